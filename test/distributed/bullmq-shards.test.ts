// Big steps split into jobs (issue 14, item 5), for real: a redis-server on 127.0.0.1, two `vcpipe
// worker` processes with separate local dirs, one shared-directory store. speech-corpus and
// preprocess run as shard jobs on both workers (one shard per worker by default), then one job
// each gathers the items; the features equal those of a local run byte for byte; the store holds
// one entry per item; one more clip later computes exactly one item, on the workers and in a local
// run against the same store. Ctrl-C on the run reaches the shard jobs (the items they computed
// are kept), and a shard whose worker is killed -9 is taken over by the other worker, which fetches
// the items the dead one had saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../src/runner/events.ts';
import type { BuildRecord } from '../../src/runner/build-record.ts';
import { readFeatures } from '../../src/data/feature-index.ts';
import { SharedDirStore } from '../../src/store/shared-dir-store.ts';
import { events, vcpipe, waitFor } from '../runner/cli-helpers.ts';
import { MIN_SHARD_ITEMS, inShard } from '../../src/util/shard.ts';
import { RedisServer } from './redis-server.ts';
import { startRun, startWorker, stopWorkers } from './workers.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

const PIPELINE = `name: shards
steps:
  corpus: { kind: speech-corpus, with: { count: 40, workers: 1 } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, workers: 1 } }
`;

type Log = Extract<RunEvent, { type: 'log' }>;
const logs = (stdout: string, step: string) => events(stdout).filter((e): e is Log => e.type === 'log' && e.step === step).map((e) => e.message);
/** The items the shards of a step computed, summed from their summary lines. */
const computedByShards = (stdout: string, step: string, pattern: RegExp) =>
  logs(stdout, step).map((m) => pattern.exec(m)).reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
const SPOKEN = /^speech-corpus: shard \d of \d: (\d+) generated/;
const FEATURES = /^shard \d of \d: features computed for (\d+)/;
const metric = (stdout: string, step: string, name: string) =>
  events(stdout).filter((e) => e.type === 'metric' && e.step === step && e.name === name).at(-1) as Extract<RunEvent, { type: 'metric' }> | undefined;

describe('bullmq executor: steps with per-item caches run as shards', { timeout: 240_000 }, () => {
  it('spreads speech-corpus and preprocess over both workers; features equal a local run; one more clip computes one item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-shards-'));
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const store = join(dir, 'store');
    const bullmq = ['--executor', 'bullmq', '--redis', redis.url, '--store', store, '--json'];
    const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    try {
      const run = await vcpipe(dir, ['run', 'p.yaml', ...bullmq]);
      expect(run.exitCode, run.all).toBe(0);
      for (const step of ['corpus', 'features']) {
        // One shard per worker (the default), and the step's running event names both.
        expect(logs(run.stdout, step)).toContain('runs as 2 shard jobs, then one that gathers their items');
        const named = events(run.stdout).flatMap((e) => (e.type === 'step' && e.step === step && e.worker ? e.worker.split(', ') : []));
        expect(new Set(named), run.stdout).toEqual(new Set(['w1', 'w2']));
        // Progress is the step's: the shards' summed, up to all 40 items.
        const progress = events(run.stdout).filter((e) => e.type === 'progress' && e.step === step);
        expect(progress.some((e) => e.type === 'progress' && e.done === 40 && e.total === 40)).toBe(true);
      }
      expect(computedByShards(run.stdout, 'corpus', SPOKEN)).toBe(40);
      expect(computedByShards(run.stdout, 'features', FEATURES)).toBe(40);
      // The gathering jobs found every item cached.
      expect(metric(run.stdout, 'corpus', 'generated')?.value).toBe(0);
      expect(metric(run.stdout, 'features', 'computed')?.value).toBe(0);
      expect(readdirSync(join(store, 'items', 'speech')).filter((n) => n.endsWith('.wav.json'))).toHaveLength(40);
      expect(readdirSync(join(store, 'items', 'features'))).toHaveLength(40);
      // Both workers computed items: each holds items of its own shard.
      for (const w of ['w1', 'w2']) expect(readdirSync(join(dir, `machine-${w}`, 'items', 'features')).length).toBeGreaterThan(0);

      // The published features equal a local run's: same utterances, same arrays byte for byte.
      const local = await vcpipe(dir, ['run', 'p.yaml', '--cache', join(dir, 'local'), '--json']);
      expect(local.exitCode, local.all).toBe(0);
      const localOut = (events(local.stdout).find((e) => e.type === 'step' && e.step === 'features' && e.state === 'succeeded') as { output: string }).output;
      const records = readdirSync(join(store, 'entries')).map((k) => JSON.parse(readFileSync(join(store, 'entries', k, 'manifest.json'), 'utf8')).record as BuildRecord);
      const featuresKey = records.find((r) => r.step === 'features')!.key;
      const sharedOut = (await new SharedDirStore(store, join(dir, 'reader')).fetch(featuresKey))!;
      const [a, b] = [readFeatures(localOut), readFeatures(sharedOut)];
      expect(b.utterances).toEqual(a.utterances);
      expect(b.skipped).toEqual(a.skipped);
      // The tiny config keeps the clips up to 64 reduced frames: the longer sentences are skipped.
      expect(a.utterances.length).toBeGreaterThan(10);
      expect(a.utterances.length + a.skipped.length).toBe(40);
      for (const u of a.utterances) {
        for (const f of [u.mel, u.mag]) expect(readFileSync(join(sharedOut, f)).equals(readFileSync(join(localOut, f))), f).toBe(true);
      }

      // One more clip: its two items (a sentence spoken, its features) are the only ones computed.
      const more = await vcpipe(dir, ['run', 'p.yaml', ...bullmq, '--set', 'corpus.count=41']);
      expect(more.exitCode, more.all).toBe(0);
      expect(computedByShards(more.stdout, 'corpus', SPOKEN)).toBe(1);
      expect(computedByShards(more.stdout, 'features', FEATURES)).toBe(1);
      expect(metric(more.stdout, 'features', 'computed')?.value).toBe(0);
      expect(readdirSync(join(store, 'items', 'features'))).toHaveLength(41);

      // A local run against the store computes only what the store lacks: one clip more again.
      const laptop = await vcpipe(dir, ['run', 'p.yaml', '--store', store, '--cache', join(dir, 'laptop'), '--json', '--set', 'corpus.count=42']);
      expect(laptop.exitCode, laptop.all).toBe(0);
      expect(logs(laptop.stdout, 'corpus')).toContain(`41 of 42 cached items fetched from file://${store}`);
      expect(metric(laptop.stdout, 'corpus', 'generated')?.value).toBe(1);
      expect(metric(laptop.stdout, 'features', 'computed')?.value).toBe(1);
      expect(readdirSync(join(store, 'items', 'features'))).toHaveLength(42);
    } finally {
      await stopWorkers(workers);
    }
    for (const { proc } of workers) expect((await proc).exitCode, (await proc).all).toBe(0);
  });

  /** A project speaking `count` sentences, and the names of the spoken items its store holds. */
  function speechProject(prefix: string, count: number) {
    const dir = mkdtempSync(join(tmpdir(), `vcpipe-shards-${prefix}-`));
    writeFileSync(join(dir, 'p.yaml'), `name: speech\nsteps:\n  corpus: { kind: speech-corpus, with: { count: ${count}, workers: 1 } }\n`);
    const store = join(dir, 'store');
    const stored = () => (existsSync(join(store, 'items', 'speech')) ? readdirSync(join(store, 'items', 'speech')).map((n) => n.replace(/\.json$/, '')) : []);
    return { dir, store, stored };
  }
  const bothRunning = (seen: RunEvent[]) => seen.some((e) => e.type === 'step' && e.step === 'corpus' && e.worker?.split(', ').length === 2);
  const spokenBy = (seen: RunEvent[]) =>
    seen.reduce((sum, e) => sum + (e.type === 'log' && e.step === 'corpus' && SPOKEN.test(e.message) ? Number(SPOKEN.exec(e.message)![1]) : 0), 0);

  it('Ctrl-C on the run stops its shard jobs on both workers; the items they computed are kept for the next run', async () => {
    const { dir, store, stored } = speechProject('interrupt', 300);
    const workers = [await startWorker(dir, 'w1', redis.url, store), await startWorker(dir, 'w2', redis.url, store)];
    const first = startRun(dir, store, redis.url);
    try {
      await waitFor(() => bothRunning(first.seen) && first.seen.some((e) => e.type === 'progress' && e.step === 'corpus' && e.done >= 20), 120_000);
      first.proc.kill('SIGINT');
      const r1 = await first.proc;
      expect(r1.exitCode, String(r1.all)).toBe(130);
      expect(first.seen.filter((e) => e.type === 'step' && e.step === 'corpus').at(-1)).toMatchObject({ state: 'interrupted' });
      for (const w of workers) expect(w.log()).toContain('interrupt requested by the run');
      const kept = stored().length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(300);

      const again = startRun(dir, store, redis.url);
      const r2 = await again.proc;
      expect(r2.exitCode, String(r2.all)).toBe(0);
      // Only what the interrupted shards had not computed is spoken now.
      expect(spokenBy(again.seen)).toBe(300 - kept);
      expect(stored()).toHaveLength(300);
    } finally {
      first.proc.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('kill -9 of a worker in the middle of its shard: the other worker takes the shard over from the items it had saved', async () => {
    const { dir, store, stored } = speechProject('kill', 300);
    const fast = ['--lock', '2', '--save-every', '1'];
    const workers = [await startWorker(dir, 'w1', redis.url, store, fast), await startWorker(dir, 'w2', redis.url, store, fast)];
    const run = startRun(dir, store, redis.url);
    try {
      // w1's shard, and a few of its items saved to the store already.
      const shardOf = () => Number(/took job \S+-shard-(\d+)-of-2/.exec(workers[0]!.log())?.[1] ?? 0) - 1;
      await waitFor(() => bothRunning(run.seen) && shardOf() >= 0 && stored().filter((n) => inShard(n, { index: shardOf(), count: 2 })).length >= 10, 120_000);
      workers[0]!.proc.kill('SIGKILL');
      const r = await run.proc;
      expect(r.exitCode, String(r.all)).toBe(0);
      expect(stored()).toHaveLength(300);
      // w2 ran its own shard, then w1's, starting from the items w1 had saved.
      expect(workers[1]!.log().match(/took job \S+-shard-/g)).toHaveLength(2);
      const resumed = run.seen.find((e) => e.type === 'log' && e.step === 'corpus' && new RegExp(`^shard ${shardOf() + 1} of 2: \\d+ of \\d+ cached items fetched`).test(e.message));
      expect(resumed, JSON.stringify(run.seen.filter((e) => e.type === 'log'))).toBeDefined();
      expect(spokenBy(run.seen)).toBeLessThan(300);
    } finally {
      run.proc.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });

  it('--shards N sets the number of shard jobs (also executor.shards); a bad count is refused in one line', async () => {
    const { dir, store } = speechProject('count', 40);
    const bad = await vcpipe(dir, ['run', 'p.yaml', '--executor', 'bullmq', '--redis', redis.url, '--store', store, '--shards', '0']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("vcpipe: --shards must be a whole number >= 1, got '0'");
    writeFileSync(join(dir, 'bad.yaml'), `name: speech\nexecutor: { type: bullmq, shards: 0 }\nsteps:\n  corpus: { kind: speech-corpus }\n`);
    const badBlock = await vcpipe(dir, ['validate', 'bad.yaml']);
    expect(badBlock.exitCode).not.toBe(0);
    expect(badBlock.all).toMatch(/bad\.yaml:2:\d+.*shards/);
    // One worker, three shards asked for: 40 items make at most two (MIN_SHARD_ITEMS each); the third computes nothing.
    const workers = [await startWorker(dir, 'w1', redis.url, store)];
    try {
      const run = await vcpipe(dir, ['run', 'p.yaml', '--executor', 'bullmq', '--redis', redis.url, '--store', store, '--json', '--shards', '3']);
      expect(run.exitCode, run.all).toBe(0);
      expect(logs(run.stdout, 'corpus')).toContain('runs as 3 shard jobs, then one that gathers their items');
      expect(logs(run.stdout, 'corpus').filter((m) => /^speech-corpus: shard \d of 2: \d+ generated/.test(m))).toHaveLength(2);
      expect(logs(run.stdout, 'corpus')).toContain(`shard 3 of 3: no items to compute (a shard takes at least ${MIN_SHARD_ITEMS})`);
      expect(computedByShards(run.stdout, 'corpus', SPOKEN)).toBe(40);
    } finally {
      await stopWorkers(workers);
    }
  });
});
