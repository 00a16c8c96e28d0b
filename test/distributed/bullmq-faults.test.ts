// Faults of a distributed run on loopback: real redis-server, real `vcpipe worker` processes with
// separate local dirs, one shared-directory store. kill -9 of the worker training a step: its job
// lock lapses, the stalled check puts the job back, the other worker resumes the step from the
// checkpoints saved to the store, and the run completes with one entry trained to the end. A
// worker frozen (SIGSTOP) past its lock: the other finishes the step, and the frozen one, woken,
// learns it lost the job and saves and publishes nothing. The coordinator killed and started
// again follows the job in flight instead of submitting it again. Redis restarted mid-run
// (append-only file): workers and coordinator reconnect, nothing published runs again. Ctrl-C on
// a worker drains it (the step checkpoints, its job goes back to the queue for the other); Ctrl-C on
// the coordinator interrupts the run like a local one (exit 130), and the next run resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunEvent } from '../../src/runner/events.ts';
import { events, waitFor } from '../runner/cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from '../runner/tone-corpus.ts';
import { RedisServer } from './redis-server.ts';
import { startRun, startWorker, stopWorkers, type WorkerProcess } from './workers.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

const STEPS = 200;

// Tests that stop a training step wait until it is past its first checkpoint (step 5): stopped
// before it, a step rightly starts again from nothing.

/** A project whose pipeline trains a tiny Text2Mel on tones; `store` is its shared store. */
function trainingProject(prefix: string): { dir: string; store: string } {
  const dir = mkdtempSync(join(tmpdir(), `vcpipe-bullmq-${prefix}-`));
  writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  writeFileSync(join(dir, 'p.yaml'), toneText2MelPipeline('faults', { steps: STEPS, checkpoint_every: 5, log_every: 5 }));
  return { dir, store: join(dir, 'store') };
}

/** The newest checkpoint of the training step's work saved in the store (0: none). */
function saved(store: string): number {
  const work = join(store, 'work');
  const path = existsSync(work) ? readdirSync(work).map((k) => join(work, k, 'manifest.json')).find(existsSync) : undefined;
  if (!path) return 0;
  const steps = Object.keys(JSON.parse(readFileSync(path, 'utf8')).files).map((f) => Number(/^checkpoints\/step-(\d+)\//.exec(f)?.[1] ?? 0));
  return Math.max(0, ...steps);
}

const trainedOn = (seen: RunEvent[]) => seen.flatMap((e) => (e.type === 'step' && e.step === 'text2mel' && e.worker ? [e.worker] : []));

/** The store holds one entry per step, the trained one trained to the end, and no saved work. */
function expectFinished(store: string): string {
  const keys = readdirSync(join(store, 'entries'));
  expect(keys).toHaveLength(3);
  const entries = keys.map((k) => JSON.parse(readFileSync(join(store, 'entries', k, 'manifest.json'), 'utf8')) as { record: { step: string; key: string }; files: Record<string, string> });
  const text2mel = entries.find((e) => e.record.step === 'text2mel')!;
  const hash = text2mel.files['model.json']!;
  expect(JSON.parse(readFileSync(join(store, 'blobs', 'sha256', hash.slice(0, 2), hash), 'utf8')).step).toBe(STEPS);
  expect(readdirSync(join(store, 'work'))).toEqual([]);
  return readFileSync(join(store, 'entries', text2mel.record.key, 'manifest.json'), 'utf8');
}

/** How many times the workers took the job of `step` (not one of its shard jobs: preprocess has them), from their logs. */
const taken = (workers: WorkerProcess[], step: string) => workers.reduce((n, w) => n + (w.log().match(new RegExp(`${step}: took job [^ ]+ from`, 'g')) ?? []).filter((m) => !m.includes('-shard-')).length, 0);

/** The step the `resumed from ...` log of text2mel names (undefined: it started from nothing). */
function resumedAt(seen: RunEvent[]): number | undefined {
  const m = seen.flatMap((e) => (e.type === 'log' && e.step === 'text2mel' ? [/^resumed from checkpoints\/step-\d+ \(step (\d+)\)$/.exec(e.message)] : [])).find(Boolean);
  return m ? Number(m[1]) : undefined;
}

/** Text2Mel runs on a worker and has reported step 10 (checkpoints every 5). */
const training = (seen: RunEvent[]) => trainedOn(seen).length > 0 && seen.some((e) => e.type === 'metric' && e.step === 'text2mel' && (e.at ?? 0) >= 10);

describe('distributed faults', { timeout: 180_000 }, () => {
  it('kill -9 of the worker training a step: the other resumes it from its last saved checkpoint', async () => {
    const { dir, store } = trainingProject('kill');
    // A 2 s lock: a dead worker's step is taken over within seconds. Work saved every second.
    const fast = ['--lock', '2', '--save-every', '1'];
    const workers = [await startWorker(dir, 'w1', redis.url, store, fast), await startWorker(dir, 'w2', redis.url, store, fast)];
    const { proc: run, seen } = startRun(dir, store, redis.url);
    try {
      await waitFor(() => trainedOn(seen).length > 0 && saved(store) > 0, 120_000);
      const victim = workers.find((w) => w.name === trainedOn(seen)[0])!;
      victim.proc.kill('SIGKILL');
      const atKill = saved(store);
      const result = await run;
      expect(result.exitCode, String(result.all)).toBe(0);

      const other = workers.find((w) => w !== victim)!.name;
      expect(trainedOn(seen)).toEqual([victim.name, other]);
      const resumed = seen.flatMap((e) => (e.type === 'log' && e.step === 'text2mel' ? [/^resumed from checkpoints\/step-\d+ \(step (\d+)\)$/.exec(e.message)] : [])).find(Boolean);
      expect(resumed, JSON.stringify(seen.filter((e) => e.type === 'log'))).toBeTruthy();
      expect(Number(resumed![1])).toBeGreaterThanOrEqual(atKill);
      expect(Number(resumed![1])).toBeLessThan(STEPS);
      expect(seen.filter((e) => e.type === 'step' && e.step === 'text2mel' && e.state === 'succeeded')).toHaveLength(1);
      expectFinished(store);
    } finally {
      run.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('a worker frozen past its lock: the other finishes; woken, it saves and publishes nothing', async () => {
    const { dir, store } = trainingProject('stop');
    const fast = ['--lock', '2', '--save-every', '1'];
    const workers = [await startWorker(dir, 'w1', redis.url, store, fast), await startWorker(dir, 'w2', redis.url, store, fast)];
    const { proc: run, seen } = startRun(dir, store, redis.url);
    let frozen: number[] = [];
    try {
      await waitFor(() => trainedOn(seen).length > 0 && saved(store) > 0, 120_000);
      const victim = workers.find((w) => w.name === trainedOn(seen)[0])!;
      // The whole machine stops: the worker and its step's process.
      const children = (await execa('pgrep', ['-P', String(victim.proc.pid)], { reject: false })).stdout.split('\n').filter(Boolean).map(Number);
      frozen = [victim.proc.pid!, ...children];
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      const result = await run;
      expect(result.exitCode, String(result.all)).toBe(0);
      expect(trainedOn(seen)).toEqual([victim.name, workers.find((w) => w !== victim)!.name]);
      const entry = expectFinished(store);

      for (const pid of frozen.reverse()) process.kill(pid, 'SIGCONT');
      frozen = [];
      await waitFor(() => victim.log().includes('text2mel: its job lock was lost'));
      await stopWorkers([victim]);
      expect(victim.log()).toContain('text2mel: its job lock was lost; stopping it');
      // Nothing of the late worker reached the store.
      expect(expectFinished(store)).toBe(entry);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      run.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('the coordinator killed and started again follows the step in flight; it is not run twice', async () => {
    const { dir, store } = trainingProject('coordinator');
    const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    const first = startRun(dir, store, redis.url);
    try {
      await waitFor(() => trainedOn(first.seen).length > 0, 120_000);
      first.proc.kill('SIGKILL');
      await first.proc;
      const again = startRun(dir, store, redis.url);
      const result = await again.proc;
      expect(result.exitCode, String(result.all)).toBe(0);
      const follows = again.seen.find((e) => e.type === 'log' && e.step === 'text2mel' && /^follows its job \w+, already in flight \(active on w[12]\)$/.test(e.message));
      expect(follows, JSON.stringify(again.seen.filter((e) => e.type === 'log'))).toBeTruthy();
      expect(trainedOn(again.seen)).toEqual(trainedOn(first.seen));
      expectFinished(store);
      await stopWorkers(workers);
      for (const step of ['corpus', 'features', 'text2mel']) expect(taken(workers, step), step).toBe(1);
    } finally {
      first.proc.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('Redis restarted mid-run: workers and coordinator reconnect; nothing published runs again', async () => {
    const { dir, store } = trainingProject('redis');
    const own = await RedisServer.start(mkdtempSync(join(tmpdir(), 'vcpipe-redis-aof-')));
    const workers = [await startWorker(dir, 'w1', own.url, store, ['--lock', '5']), await startWorker(dir, 'w2', own.url, store, ['--lock', '5'])];
    const { proc: run, seen } = startRun(dir, store, own.url);
    try {
      await waitFor(() => trainedOn(seen).length > 0 && seen.some((e) => e.type === 'metric' && e.step === 'text2mel'), 120_000);
      await own.stop();
      await new Promise((r) => setTimeout(r, 1000));
      await own.restart();
      const result = await run;
      expect(result.exitCode, String(result.all)).toBe(0);
      expectFinished(store);
      await stopWorkers(workers);
      for (const step of ['corpus', 'features']) expect(taken(workers, step), step).toBe(1);
    } finally {
      run.kill('SIGKILL');
      await stopWorkers(workers);
      await own.stop();
    }
  });

  it('Ctrl-C on a worker drains it: the step checkpoints and goes back to the queue, the other resumes it', async () => {
    const { dir, store } = trainingProject('drain');
    const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    const { proc: run, seen } = startRun(dir, store, redis.url);
    try {
      await waitFor(() => training(seen), 120_000);
      const victim = workers.find((w) => w.name === trainedOn(seen)[0])!;
      victim.proc.kill('SIGINT');
      expect((await victim.proc).exitCode).toBe(0);
      expect(victim.log()).toContain('draining: 1 running step(s) checkpoint and go back to the queue');
      const result = await run;
      expect(result.exitCode, String(result.all)).toBe(0);
      expect(trainedOn(seen)).toEqual([victim.name, workers.find((w) => w !== victim)!.name]);
      expect(resumedAt(seen), `${JSON.stringify(seen.filter((e) => e.type === 'log' || e.type === 'step'))}\n${victim.log()}`).toBeGreaterThan(0);
      // Going back to the queue is not a failed attempt.
      expect(workers.flatMap((w) => w.log().match(/text2mel: took job \w+ from vcpipe-cpu \(attempt \d+\)/g) ?? [])).toEqual([
        expect.stringContaining('(attempt 1)'),
        expect.stringContaining('(attempt 1)'),
      ]);
      expectFinished(store);
    } finally {
      run.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('Ctrl-C on the coordinator interrupts the run (exit 130, the step checkpoints); the next run resumes it', async () => {
    const { dir, store } = trainingProject('interrupt');
    const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    const first = startRun(dir, store, redis.url);
    try {
      await waitFor(() => training(first.seen), 120_000);
      first.proc.kill('SIGINT');
      const r1 = await first.proc;
      expect(r1.exitCode, String(r1.all)).toBe(130);
      expect(first.seen.filter((e) => e.type === 'step' && e.step === 'text2mel').map((e) => e.type === 'step' && e.state)).toEqual(['running', 'running', 'interrupted']);
      expect(saved(store)).toBeGreaterThan(0);
      // No worker takes the interrupted step up again on its own.
      await new Promise((r) => setTimeout(r, 2000));
      expect(taken(workers, 'text2mel')).toBe(1);

      const again = startRun(dir, store, redis.url);
      const r2 = await again.proc;
      expect(r2.exitCode, String(r2.all)).toBe(0);
      expect(resumedAt(again.seen)).toBeGreaterThan(0);
      expectFinished(store);
    } finally {
      first.proc.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('Redis restarted without its data: the coordinator submits the forgotten job again, resumed from the store', async () => {
    const { dir, store } = trainingProject('forgot');
    const own = await RedisServer.start();
    const fast = ['--lock', '2', '--save-every', '1'];
    const workers = [await startWorker(dir, 'w1', own.url, store, fast), await startWorker(dir, 'w2', own.url, store, fast)];
    const { proc: run, seen } = startRun(dir, store, own.url);
    try {
      await waitFor(() => training(seen) && saved(store) > 0, 120_000);
      await own.stop();
      await own.restart();
      const result = await run;
      expect(result.exitCode, String(result.all)).toBe(0);
      const again = seen.find((e) => e.type === 'log' && e.step === 'text2mel' && e.message.includes('is gone from redis (restarted?)'));
      expect(again, JSON.stringify(seen.filter((e) => e.type === 'log'))).toBeTruthy();
      expectFinished(store);
      await stopWorkers(workers);
      // Step events reach the coordinator over pub/sub, which loses what is published while it
      // reconnects: the resume is read from the workers' own event logs.
      const logged = (await Promise.all(workers.map((w) => w.proc))).flatMap((r) => events(String(r.stdout)));
      expect(resumedAt(logged)).toBeGreaterThan(0);
      for (const step of ['corpus', 'features']) expect(taken(workers, step), step).toBe(1);
    } finally {
      run.kill('SIGKILL');
      await stopWorkers(workers);
      await own.stop();
    }
  });
});
