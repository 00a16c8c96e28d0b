// `vcpipe run --executor bullmq` with real `vcpipe worker` processes (separate local dirs) on a
// real redis-server and a shared-directory store: the run's events name the worker of each step,
// the store then serves a local run as all cached, a user error is not retried, and a step whose
// process crashes is retried with backoff and, past its attempts, reported with the workers' logs.
// A GPU step goes only to a worker with GPU slots; the executor: block works like the flags; a
// Redis that does not answer is a one-line error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../src/runner/events.ts';
import { events, fixture, vcpipe } from '../runner/cli-helpers.ts';
import { RedisServer } from './redis-server.ts';
import { startWorker, stopWorkers, type WorkerProcess } from './workers.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

const bullmq = (store: string) => ['--executor', 'bullmq', '--redis', redis.url, '--store', store, '--json'];

/** The runner-chain fixture with its input, a shared-directory store in it, and two workers w1, w2 on it. */
async function chainWithTwoWorkers() {
  const dir = fixture('runner-chain');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'in.txt'), 'words');
  const store = join(dir, 'store');
  const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
  return { dir, store, workers };
}

describe('vcpipe run --executor bullmq', { timeout: 120_000 }, () => {
  it('runs the steps on two workers, names them, and a local run against the store is all cached', async () => {
    const { dir, store, workers } = await chainWithTwoWorkers();
    try {
      const run = await vcpipe(dir, ['run', 'pipeline.yaml', ...bullmq(store)]);
      expect(run.exitCode, run.all).toBe(0);
      const steps = events(run.stdout).flatMap((e) => (e.type === 'step' ? [e] : []));
      const ranOn = Object.fromEntries(steps.filter((e) => e.worker).map((e) => [e.step, e.worker]));
      expect(Object.keys(ranOn).sort()).toEqual(['count', 'report', 'source', 'upper']);
      // upper and count are ready together and each worker has one slot: both workers ran steps.
      expect(new Set(Object.values(ranOn))).toEqual(new Set(['w1', 'w2']));
      expect(steps.filter((e) => e.state === 'succeeded').map((e) => e.step).sort()).toEqual(['count', 'report', 'source', 'upper']);
      expect(readFileSync(join(dir, 'started.txt'), 'utf8').trim().split('\n').sort()).toEqual(['count', 'report', 'source', 'upper']);
      expect(readdirSync(join(store, 'entries'))).toHaveLength(4);

      // The same store on a machine that runs locally: plan and run see every step cached.
      const plan = await vcpipe(dir, ['plan', 'pipeline.yaml', '--store', store, '--cache', join(dir, 'laptop')]);
      expect(plan.stdout.trim().split('\n').at(-1)).toBe('all 4 steps cached');
      const local = await vcpipe(dir, ['run', 'pipeline.yaml', '--store', store, '--cache', join(dir, 'laptop'), '--json']);
      expect(local.exitCode, local.all).toBe(0);
      expect(events(local.stdout).filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.state)).toEqual(['cached', 'cached', 'cached', 'cached']);
      // The other way round: a step computed locally against the store is cached for the workers.
      const changed = ['--set', 'params.greeting=hi'];
      expect((await vcpipe(dir, ['run', 'pipeline.yaml', ...changed, '--store', store, '--cache', join(dir, 'laptop'), '--json'])).exitCode).toBe(0);
      const again = await vcpipe(dir, ['run', 'pipeline.yaml', ...changed, ...bullmq(store)]);
      expect(again.exitCode, again.all).toBe(0);
      expect(events(again.stdout).filter((e) => e.type === 'step').every((e) => e.type === 'step' && e.state === 'cached')).toBe(true);
      expect(readFileSync(join(dir, 'started.txt'), 'utf8').trim().split('\n')).toHaveLength(6);
    } finally {
      await stopWorkers(workers);
    }
    for (const { proc } of workers) expect((await proc).exitCode, (await proc).all).toBe(0);
  });

  it('a user error fails at once; a crash is retried with backoff, then reported with the workers\' logs', async () => {
    const dir = fixture('runner-chain');
    // Counts its attempts; crashes the step's process (as the OOM killer would) until attempt `ok`.
    writeFileSync(join(dir, 'flaky.mjs'), `import { appendFileSync, readFileSync } from 'node:fs';
const [file, ok, mode] = process.argv.slice(2);
appendFileSync(file, 'x');
const attempt = readFileSync(file, 'utf8').length;
console.log('attempt ' + attempt);
if (mode === 'user') process.exit(3);
if (attempt < Number(ok)) process.kill(process.ppid, 'SIGKILL');
else appendFileSync('out.txt', 'done');
`);
    const step = (name: string, ok: number, mode = 'crash') =>
      `name: ${name}\nsteps:\n  s:\n    kind: shell\n    with: { run: [node, "\${projectDir}/flaky.mjs", "\${projectDir}/${name}.attempts", "${ok}", ${mode}], outputs: [out.txt] }\n`;
    writeFileSync(join(dir, 'user.yaml'), step('user', 1, 'user'));
    writeFileSync(join(dir, 'twice.yaml'), step('twice', 2));
    writeFileSync(join(dir, 'never.yaml'), step('never', 99));
    const store = join(dir, 'store');
    const workers: WorkerProcess[] = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    const attempts = (name: string) => readFileSync(join(dir, `${name}.attempts`), 'utf8').length;
    const failure = (stdout: string) => events(stdout).find((e) => e.type === 'step' && e.state === 'failed');
    try {
      const user = await vcpipe(dir, ['run', 'user.yaml', ...bullmq(store)]);
      expect(user.exitCode, user.all).toBe(1);
      expect(failure(user.stdout)).toMatchObject({ step: 's', error: expect.stringContaining('shell: Command failed with exit code 3') });
      expect(attempts('user')).toBe(1);

      const twice = await vcpipe(dir, ['run', 'twice.yaml', ...bullmq(store)]);
      expect(twice.exitCode, twice.all).toBe(0);
      expect(attempts('twice')).toBe(2);
      expect(readdirSync(join(store, 'entries'))).toHaveLength(1);

      const started = Date.now();
      const never = await vcpipe(dir, ['run', 'never.yaml', ...bullmq(store), '--attempts', '3']);
      expect(never.exitCode, never.all).toBe(1);
      expect(attempts('never')).toBe(3);
      // Backoff: 1 s before the second attempt, 2 s before the third.
      expect(Date.now() - started).toBeGreaterThan(3000);
      const failed = failure(never.stdout) as Extract<RunEvent, { type: 'step' }>;
      expect(failed.error).toMatch(/step process ended without a result \(SIGKILL\) \(after 3 attempts\)/);
      const log = readFileSync(failed.log!, 'utf8');
      // Each attempt's header (worker, attempt) and the tail of the step's log on that worker.
      for (const n of [1, 2, 3]) expect(log).toMatch(new RegExp(`--- w[12], attempt ${n}: step process ended without a result \\(SIGKILL\\)\\n.* info start shell step 's' in /.*/machine-w[12]/work/`));
    } finally {
      await stopWorkers(workers);
    }
  });

  it('a gpu step goes only to a worker with --gpu; the executor: block in the pipeline file works like the flags', async () => {
    const dir = fixture('runner-chain');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'in.txt'), 'words');
    // upper and count are ready together: count (gpu) must wait for the gpu worker even though the cpu one is free.
    const yaml = readFileSync(join(dir, 'pipeline.yaml'), 'utf8')
      .replace('name: chain\n', `name: chain\nexecutor: { type: bullmq, redis: "${redis.url}", store: shared }\n`)
      .replace('  count:\n    kind: shell\n', '  count:\n    kind: shell\n    resources: { gpu: 1 }\n');
    writeFileSync(join(dir, 'gpu.yaml'), yaml);
    const store = join(dir, 'shared');
    const workers = [await startWorker(dir, 'cpu-box', redis.url, store, ['--cpu', '2']), await startWorker(dir, 'gpu-box', redis.url, store, ['--cpu', '0', '--gpu', '1'])];
    try {
      const run = await vcpipe(dir, ['run', 'gpu.yaml', '--json']);
      expect(run.exitCode, run.all).toBe(0);
      const ranOn = Object.fromEntries(events(run.stdout).flatMap((e) => (e.type === 'step' && e.worker ? [[e.step, e.worker]] : [])));
      expect(ranOn).toEqual({ source: 'cpu-box', upper: 'cpu-box', count: 'gpu-box', report: 'cpu-box' });
      expect(readdirSync(join(store, 'entries'))).toHaveLength(4);
      // --executor local overrides the block: against the same store (the block's), all cached.
      const local = await vcpipe(dir, ['run', 'gpu.yaml', '--executor', 'local', '--json']);
      expect(events(local.stdout).filter((e) => e.type === 'step').every((e) => e.type === 'step' && e.state === 'cached')).toBe(true);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('a worker starting on a shared directory clears what writers killed mid-write left staged there', async () => {
    const dir = fixture('runner-chain');
    const store = join(dir, 'store');
    mkdirSync(join(store, 'tmp'), { recursive: true });
    for (const name of ['stale', 'fresh']) writeFileSync(join(store, 'tmp', name), 'x');
    const old = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(join(store, 'tmp', 'stale'), old, old);
    const workers = [await startWorker(dir, 'w1', redis.url, store)];
    try {
      expect(workers[0]!.log()).toContain(`removed 1 staged file(s) older than a day from ${store}/tmp`);
      expect(readdirSync(join(store, 'tmp'))).toEqual(['fresh']);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('refuses what it cannot do, in one line, exit 2', async () => {
    const dir = fixture('runner-chain');
    const down = await vcpipe(dir, ['run', 'pipeline.yaml', '--executor', 'bullmq', '--redis', 'redis://127.0.0.1:1', '--store', 'shared']);
    expect(down.exitCode).toBe(2);
    expect(down.stderr).toBe('vcpipe: cannot reach redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
    const noStore = await vcpipe(dir, ['run', 'pipeline.yaml', '--executor', 'bullmq', '--redis', redis.url]);
    expect(noStore.exitCode).toBe(2);
    expect(noStore.stderr).toMatch(/^vcpipe: --executor bullmq needs --store URL/);
    const worker = await vcpipe(dir, ['worker', '--redis', redis.url]);
    expect(worker.exitCode).toBe(2);
    expect(worker.stderr).toMatch(/^vcpipe: worker: --store URL is required/);
    const forced = await vcpipe(dir, ['run', 'pipeline.yaml', '--executor', 'bullmq', '--redis', redis.url, '--store', 'shared', '--force', 'upper']);
    expect(forced.exitCode).toBe(2);
    expect(forced.stderr).toMatch(/^vcpipe: --force does not work with --executor bullmq yet/);
  });

  it('two coordinators running one pipeline at once share its jobs: each step runs once', async () => {
    const { dir, store, workers } = await chainWithTwoWorkers();
    try {
      const runs = await Promise.all(['a', 'b'].map((c) => vcpipe(dir, ['run', 'pipeline.yaml', ...bullmq(store), '--cache', join(dir, `coordinator-${c}`)])));
      for (const r of runs) expect(r.exitCode, r.all).toBe(0);
      expect(readFileSync(join(dir, 'started.txt'), 'utf8').trim().split('\n').sort()).toEqual(['count', 'report', 'source', 'upper']);
      expect(readdirSync(join(store, 'entries'))).toHaveLength(4);
    } finally {
      await stopWorkers(workers);
    }
  });
});
