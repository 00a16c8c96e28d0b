// Faults of a distributed run on loopback: real redis-server, real `vcpipe worker` processes with
// separate local dirs, one shared-directory store. kill -9 of the worker training a step: its job
// lock lapses, the stalled check puts the job back, the other worker resumes the step from the
// checkpoints saved to the store, and the run completes with one entry trained to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunEvent } from '../../src/runner/events.ts';
import { REPO, waitFor } from '../runner/cli-helpers.ts';
import { writeTonePairs } from '../runner/tone-corpus.ts';
import { RedisServer } from './redis-server.ts';
import { startWorker, stopWorkers } from './workers.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

const STEPS = 200;

describe('distributed faults', { timeout: 180_000 }, () => {
  it('kill -9 of the worker training a step: the other resumes it from its last saved checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-bullmq-kill-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    writeFileSync(join(dir, 'p.yaml'), `name: faults
steps:
  corpus: { kind: ljspeech, with: { root: recordings } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, workers: 1 } }
  text2mel:
    kind: train-text2mel
    needs: [features]
    with: { config: { base: tiny, e: 16, d: 16 }, steps: ${STEPS}, batch_size: 4, validation: 2, checkpoint_every: 5, log_every: 5 }
`);
    const store = join(dir, 'store');
    // A 2 s lock: a dead worker's step is taken over within seconds. Work saved every second.
    const fast = ['--lock', '2', '--save-every', '1'];
    const workers = [await startWorker(dir, 'w1', redis.url, store, fast), await startWorker(dir, 'w2', redis.url, store, fast)];
    const seen: RunEvent[] = [];
    const run = execa('node', [join(REPO, 'bin/vcpipe.js'), 'run', 'p.yaml', '--executor', 'bullmq', '--redis', redis.url, '--store', store, '--json'], { cwd: dir, reject: false, all: true });
    let buffered = '';
    run.stdout!.on('data', (d: Buffer) => {
      const lines = (buffered + d.toString()).split('\n');
      buffered = lines.pop()!;
      for (const l of lines) if (l.startsWith('{')) seen.push(JSON.parse(l) as RunEvent);
    });
    /** The newest checkpoint of text2mel's work saved in the store (0: none). */
    const saved = () => {
      const work = join(store, 'work');
      const path = existsSync(work) ? readdirSync(work).map((k) => join(work, k, 'manifest.json')).find(existsSync) : undefined;
      if (!path) return 0;
      const steps = Object.keys(JSON.parse(readFileSync(path, 'utf8')).files).map((f) => Number(/^checkpoints\/step-(\d+)\//.exec(f)?.[1] ?? 0));
      return Math.max(0, ...steps);
    };
    const trainedOn = () => seen.flatMap((e) => (e.type === 'step' && e.step === 'text2mel' && e.worker ? [e.worker] : []));
    try {
      await waitFor(() => trainedOn().length > 0 && saved() > 0, 120_000);
      const victim = workers.find((w) => w.name === trainedOn()[0])!;
      victim.proc.kill('SIGKILL');
      const atKill = saved();
      const result = await run;
      expect(result.exitCode, result.all).toBe(0);

      const other = workers.find((w) => w !== victim)!.name;
      expect(trainedOn()).toEqual([victim.name, other]);
      const resumed = seen.flatMap((e) => (e.type === 'log' && e.step === 'text2mel' ? [/^resumed from checkpoints\/step-\d+ \(step (\d+)\)$/.exec(e.message)] : [])).find(Boolean);
      expect(resumed, JSON.stringify(seen.filter((e) => e.type === 'log'))).toBeTruthy();
      expect(Number(resumed![1])).toBeGreaterThanOrEqual(atKill);
      expect(Number(resumed![1])).toBeLessThan(STEPS);
      expect(seen.filter((e) => e.type === 'step' && e.step === 'text2mel' && e.state === 'succeeded')).toHaveLength(1);

      // One entry per step; the trained one is whole, trained to the end; no saved work left.
      const keys = readdirSync(join(store, 'entries'));
      expect(keys).toHaveLength(3);
      const entries = keys.map((k) => JSON.parse(readFileSync(join(store, 'entries', k, 'manifest.json'), 'utf8')) as { record: { step: string }; files: Record<string, string> });
      const text2mel = entries.find((e) => e.record.step === 'text2mel')!;
      const model = JSON.parse(readFileSync(join(store, 'blobs', 'sha256', text2mel.files['model.json']!.slice(0, 2), text2mel.files['model.json']!), 'utf8'));
      expect(model.step).toBe(STEPS);
      expect(readdirSync(join(store, 'work'))).toEqual([]);
    } finally {
      run.kill('SIGKILL');
      await stopWorkers(workers);
    }
  });
});
