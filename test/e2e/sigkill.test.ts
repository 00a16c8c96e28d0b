// kill -9 at random moments of a shortened demo: first the coordinator (`vcpipe run`) 20 times,
// then step processes (children of the coordinator) 10 times, each followed by a rerun; after
// every kill the cache must be sound (cache-integrity.ts) and every run that reaches the end must
// hold the same Text2Mel and SSRN bytes (weights and Adam moments) as an uninterrupted run.
// The kill moments come from a seeded generator: SIGKILL_SEED=N reruns one schedule exactly
// (the moments, not the machine's timing); every failure names the seed and the kill.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/models/rng.ts';
import type { RunEvent } from '../../src/runner/events.ts';
import { useTestBackend } from '../models/helpers.ts';
import { cacheProblems, finalCheckpoint, networksOf, type Networks } from './cache-integrity.ts';
import { HELDOUT3, REPO, startRun } from './pipeline-runner.ts';

const SEED = Number(process.env.SIGKILL_SEED ?? 18_008);
const COORDINATOR_KILLS = 20;
const STEP_KILLS = 10;

// demo.yaml's steps and settings, with CI-sized budgets; the recogniser (evaluate) is left out.
const PIPELINE = `name: sigkill
backend: auto
steps:
  corpus:
    kind: speech-corpus
    with: { engine: flite, voice: rms, sentences: ${join(REPO, 'data/sentences.txt')}, count: 16 }
  features:
    kind: preprocess
    needs: [corpus]
    with: { config: tiny, max_frames: 96, workers: 1 }
  text2mel:
    kind: train-text2mel
    needs: [features]
    with: { config: { base: tiny, maxT: 96 }, steps: 48, batch_size: 8, lr: 0.002, warmup: 400, checkpoint_every: 4, keep_checkpoints: 2, validation: 4, log_every: 4, plot_every: 8 }
  ssrn:
    kind: train-ssrn
    needs: [features]
    with: { config: tiny, steps: 24, batch_size: 8, warmup: 400, crop_frames: 16, checkpoint_every: 4, keep_checkpoints: 2, validation: 4, log_every: 4, plot_every: 8 }
  speak:
    kind: synthesize
    needs: [text2mel, ssrn]
    with: { text2mel: text2mel, ssrn: ssrn, sentences: ${HELDOUT3}, power: 1.0, max_frames: 32, griffin_lim_iters: 4 }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newCache = () => join(mkdtempSync(join(tmpdir(), 'vcpipe-sigkill-')), 'cache');
/** A cache is ~50 MB: each is removed once checked (a failing one stays, named in the message). */
const dropCache = (cache: string) => rmSync(dirname(cache), { recursive: true, force: true });

/** Direct children of `pid` (every thread's, from /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** Running (a zombie waiting for its parent to reap it is done). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs; returns how long that took (ms). */
async function waitGone(pids: number[], ms = 20_000): Promise<number> {
  const start = Date.now();
  while (pids.some(alive)) {
    if (Date.now() - start > ms) throw new Error(`processes ${pids.join(', ')} still run ${ms} ms after their coordinator was killed`);
    await sleep(20);
  }
  return Date.now() - start;
}

const running = (events: RunEvent[]): string[] => {
  const state = new Map<string, string>();
  for (const e of events) if (e.type === 'step') state.set(e.step, e.state);
  return [...state].filter(([, s]) => s === 'running').map(([n]) => n);
};

const resumes = (events: RunEvent[]) => events.filter((e) => e.type === 'log' && /^resumed from/.test(e.message)).length;

let pipeline: string;
let reference: { ms: number; text2mel: ReturnType<typeof finalCheckpoint>; ssrn: ReturnType<typeof finalCheckpoint>; networks: Networks };

/** A finished cache holds the uninterrupted run's bytes. */
function expectSameAsReference(cache: string, context: string): void {
  for (const network of ['text2mel', 'ssrn'] as const) {
    const got = finalCheckpoint(cache, network);
    const want = reference[network];
    expect(got.step, `${context}: ${network} step`).toBe(want.step);
    expect(got.weights.equals(want.weights), `${context}: ${network} weights differ from the uninterrupted run's`).toBe(true);
    expect(got.adam.equals(want.adam), `${context}: ${network} Adam moments differ from the uninterrupted run's`).toBe(true);
  }
}

function expectSound(cache: string, context: string): void {
  expect(cacheProblems(cache, reference.networks), `${context} (cache ${cache})`).toEqual([]);
}

async function runToEnd(cache: string, context: string): Promise<RunEvent[]> {
  const run = startRun(pipeline, cache, []);
  const r = await run.proc;
  expect(r.exitCode, `${context}: the run to the end failed: ${String(r.stderr)}`).toBe(0);
  return run.events;
}

describe('SIGKILL at random moments of a shortened demo', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    await useTestBackend();
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-sigkill-project-'));
    pipeline = join(dir, 'sigkill.yaml');
    writeFileSync(pipeline, PIPELINE);
    const cache = newCache();
    const start = Date.now();
    await runToEnd(cache, 'uninterrupted reference run');
    const ms = Date.now() - start;
    reference = { ms, text2mel: finalCheckpoint(cache, 'text2mel'), ssrn: finalCheckpoint(cache, 'ssrn'), networks: networksOf(cache) };
    expect(cacheProblems(cache, reference.networks)).toEqual([]);
    dropCache(cache);
    console.log(`sigkill: seed ${SEED}; uninterrupted run ${(ms / 1000).toFixed(1)} s (Text2Mel step ${reference.text2mel.step}, SSRN step ${reference.ssrn.step})`);
  }, 180_000);

  it(`kill -9 of the coordinator ${COORDINATOR_KILLS} times: the cache stays sound and training ends bit-exact`, async () => {
    const rng = new Rng(SEED);
    const started = Date.now();
    let cache = newCache();
    let kills = 0, finished = 0, resumed = 0, orphanMs = 0, overlapsChecked = 0;
    let orphans: number[] = [];
    const schedule: string[] = [];
    while (kills < COORDINATOR_KILLS) {
      const delay = Math.round(150 + rng.next() * reference.ms * 0.5);
      const run = startRun(pipeline, cache, []);
      // Step processes of the coordinator killed just before may still be saving their checkpoint:
      // the new run must not start a step of its own until they are gone.
      const previous = orphans;
      let ended = false;
      const overlap = (async () => {
        while (!ended && childrenOf(run.proc.pid!).length === 0) await sleep(5);
        return ended ? [] : previous.filter(alive);
      })();
      const due = await Promise.race([run.proc.then(() => false), sleep(delay).then(() => true)]);
      const steps = running(run.events);
      orphans = due ? childrenOf(run.proc.pid!) : [];
      if (due) run.proc.kill('SIGKILL');
      const r = await run.proc;
      ended = true;
      const stillRunning = await overlap;
      if (previous.length) overlapsChecked += 1;
      expect(stillRunning, `seed ${SEED}: the run after [${schedule.at(-1)}] started a step while the killed run's step processes ${stillRunning.join(', ')} still ran`).toEqual([]);
      resumed += resumes(run.events);
      if (!due) {
        // The rest of this cache's work took less than the kill's delay: a finished run.
        const context = `seed ${SEED}, a run after ${schedule.length} kill(s) [${schedule.join('; ')}]`;
        expect(r.exitCode, `${context}: ${String(r.stderr)}`).toBe(0);
        expectSound(cache, context);
        expectSameAsReference(cache, context);
        finished += 1;
        dropCache(cache);
        cache = newCache();
        continue;
      }
      kills += 1;
      schedule.push(`kill ${kills} at ${delay} ms during ${steps.join('+') || 'start-up'}`);
      // Every other kill: let its step processes, which see the coordinator vanish, checkpoint and
      // exit (step-worker.ts), then check the cache. The others restart at once, as a supervisor would.
      if (kills % 2 === 0) {
        orphanMs = Math.max(orphanMs, await waitGone(orphans));
        orphans = [];
        expectSound(cache, `seed ${SEED}, ${schedule.at(-2)}, ${schedule.at(-1)}`);
      }
    }
    await waitGone(orphans);
    const last = await runToEnd(cache, `seed ${SEED} after [${schedule.join('; ')}]`);
    resumed += resumes(last);
    expectSound(cache, `seed ${SEED}, after the last run`);
    expectSameAsReference(cache, `seed ${SEED}, the run to the end after [${schedule.join('; ')}]`);
    finished += 1;
    dropCache(cache);
    console.log(`sigkill: ${kills} coordinator kills, ${finished} pipelines finished bit-exact, ${resumed} training resumes from a checkpoint, ` +
      `${overlapsChecked} restarts at once, step processes outlived their coordinator by ≤ ${orphanMs} ms, ${((Date.now() - started) / 1000).toFixed(1)} s\n  ${schedule.join('\n  ')}`);
  });

  it(`kill -9 of a step process ${STEP_KILLS} times: the cache stays sound and training ends bit-exact`, async () => {
    const rng = new Rng(SEED + 1);
    const started = Date.now();
    let cache = newCache();
    let kills = 0, finished = 0, resumed = 0;
    const schedule: string[] = [];
    while (kills < STEP_KILLS) {
      const delay = Math.round(150 + rng.next() * reference.ms * 0.5);
      const run = startRun(pipeline, cache, []);
      let ended = false;
      void run.proc.then(() => (ended = true));
      await sleep(delay);
      // Between two steps there may be no step process for a moment: take the next one.
      let children = childrenOf(run.proc.pid!);
      while (!ended && children.length === 0) {
        await sleep(10);
        children = childrenOf(run.proc.pid!);
      }
      if (ended) {
        const r = await run.proc;
        const context = `seed ${SEED + 1}, a run after ${schedule.length} step kill(s) [${schedule.join('; ')}]`;
        expect(r.exitCode, `${context}: ${String(r.stderr)}`).toBe(0);
        resumed += resumes(run.events);
        expectSound(cache, context);
        expectSameAsReference(cache, context);
        finished += 1;
        dropCache(cache);
        cache = newCache();
        continue;
      }
      const steps = running(run.events);
      try {
        process.kill(children[Math.floor(rng.next() * children.length)], 'SIGKILL');
      } catch {
        // it ended and was reaped in between: the run goes on unharmed, as checked below
      }
      const r = await run.proc;
      kills += 1;
      resumed += resumes(run.events);
      // The run reports the killed step as failed, finishes what else was running, and exits 1.
      const failed = run.events.flatMap((e) => (e.type === 'step' && e.state === 'failed' ? [`${e.step}: ${e.error}`] : []));
      schedule.push(`kill ${kills} at ${delay} ms during ${steps.join('+') || 'start-up'}: ${failed.join('; ')}`);
      const context = `seed ${SEED + 1}, ${schedule.at(-1)}`;
      // No failure: the process had sent its result and was exiting when the signal came.
      expect(r.exitCode, `${context}: ${String(r.stderr)}`).toBe(failed.length ? 1 : 0);
      expect(failed.length, context).toBeLessThanOrEqual(1);
      if (failed.length) expect(failed[0], context).toMatch(/step process ended without a result \(SIGKILL\)/);
      else schedule[schedule.length - 1] += ' (it had already finished)';
      expectSound(cache, context);
    }
    const last = await runToEnd(cache, `seed ${SEED + 1} after [${schedule.join('; ')}]`);
    resumed += resumes(last);
    expectSound(cache, `seed ${SEED + 1}, after the last run`);
    expectSameAsReference(cache, `seed ${SEED + 1}, the run to the end after [${schedule.join('; ')}]`);
    finished += 1;
    dropCache(cache);
    console.log(`sigkill: ${kills} step-process kills, ${finished} pipelines finished bit-exact, ${resumed} training resumes from a checkpoint, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s\n  ${schedule.join('\n  ')}`);
  });
});
