import { describe, it, expect } from 'vitest';
import { applyEvent, ARTIFACTS_PER_KIND, initialState, progressRate, stepSeconds } from '../../src/ui/dashboard/state.ts';
import type { RunEvent } from '../../src/runner/events.ts';
import { loadFixtureEvents, foldEvents, midTrainingCount } from './fixture-events.ts';

const T = 1_000_000;
const plan: RunEvent = {
  type: 'run',
  state: 'running',
  pipeline: 'p',
  time: T,
  steps: [
    { name: 'a', kind: 'ljspeech', needs: [], decision: 'cached', reason: 'inputs unchanged' },
    { name: 'b', kind: 'train-text2mel', needs: ['a'], decision: 'runs', reason: 'new', estimate: 60 },
  ],
};
const fold = (events: RunEvent[]) => events.reduce(applyEvent, initialState());

describe('applyEvent', () => {
  it('takes the steps from the plan, cached ones as cached and the others pending', () => {
    const state = fold([plan]);
    expect(state.steps.map((s) => [s.name, s.state, s.reason])).toEqual([
      ['a', 'cached', 'inputs unchanged'],
      ['b', 'pending', 'new'],
    ]);
    expect(state.startedAt).toBe(T);
  });

  it('does not change the state it is given', () => {
    const before = fold([plan]);
    const copy = structuredClone(before);
    applyEvent(before, { type: 'step', step: 'b', state: 'running', time: T + 1 });
    expect(before).toEqual(copy);
  });

  it('points a published step\'s artifacts at its cache entry, not the renamed work dir', () => {
    const state = fold([
      plan,
      { type: 'step', step: 'b', state: 'running', time: T + 1 },
      { type: 'artifact', step: 'b', path: '/c/work/k1/wavs/s01.wav', kind: 'audio', time: T + 2 },
      { type: 'artifact', step: 'a', path: '/c/work/k1/other.png', kind: 'image', time: T + 3 },
      { type: 'step', step: 'b', state: 'succeeded', workDir: '/c/work/k1', output: '/c/entries/k1', time: T + 4 },
    ]);
    expect(state.artifacts.map((a) => a.path)).toEqual(['/c/entries/k1/wavs/s01.wav', '/c/work/k1/other.png']);
  });

  it('times a step from running to its end and keeps the error and log path', () => {
    const state = fold([
      plan,
      { type: 'step', step: 'b', state: 'running', time: T + 1000 },
      { type: 'step', step: 'b', state: 'failed', error: 'boom', log: '/l/b.log', time: T + 5000 },
    ]);
    const b = state.steps[1];
    expect([b.state, b.error, b.logPath, stepSeconds(b, state.now)]).toEqual(['failed', 'boom', '/l/b.log', 4]);
  });

  it('measures the progress rate over the recent samples', () => {
    const events: RunEvent[] = [plan];
    for (let i = 0; i <= 20; i++) events.push({ type: 'progress', step: 'b', done: i * (i < 10 ? 1 : 4), total: 100, unit: 'steps', time: T + i * 1000 });
    const progress = fold(events).steps[1].progress!;
    expect(progress.samples).toHaveLength(10);
    // The last ten samples are 4 steps a second apart.
    expect(progressRate(progress)).toBeCloseTo(4);
    expect(progressRate({ done: 0, total: 1, samples: [{ time: T, done: 0 }] })).toBeUndefined();
  });

  it('keeps the latest metrics, the loss history, the last three log lines and run-wide warnings', () => {
    const events: RunEvent[] = [plan];
    for (let i = 0; i < 70; i++) events.push({ type: 'metric', step: 'b', name: 'loss', value: 100 - i, time: T + i });
    events.push({ type: 'metric', step: 'b', name: 'lr', value: 1e-4, time: T + 80 });
    for (let i = 0; i < 5; i++) events.push({ type: 'log', step: 'b', level: i % 2 ? 'warn' : 'info', message: `m${i}`, time: T + 90 + i });
    const state = fold(events);
    const b = state.steps[1];
    expect(b.metrics).toEqual({ loss: 31, lr: 1e-4 });
    expect(b.lossHistory).toHaveLength(60);
    expect(b.lossHistory.at(-1)).toBe(31);
    expect(b.logs.map((l) => l.message)).toEqual(['m2', 'm3', 'm4']);
    expect(state.warnings).toEqual([
      { step: 'b', message: 'm1' },
      { step: 'b', message: 'm3' },
    ]);
  });

  it('keeps one artifact per path, latest last', () => {
    const state = fold([
      plan,
      { type: 'artifact', step: 'b', path: '/x.png', kind: 'image', time: T + 1 },
      { type: 'artifact', step: 'b', path: '/y.ckpt', kind: 'checkpoint', time: T + 2 },
      { type: 'artifact', step: 'b', path: '/x.png', kind: 'image', time: T + 3 },
    ]);
    expect(state.artifacts.map((a) => a.path)).toEqual(['/y.ckpt', '/x.png']);
  });

  it('keeps the last ARTIFACTS_PER_KIND of each kind and counts the ones let go', () => {
    const many: RunEvent[] = [];
    for (let i = 0; i < 3 * ARTIFACTS_PER_KIND; i++) {
      many.push({ type: 'artifact', step: 'b', path: `/plots/alignment-step-${i}.png`, kind: 'image', time: T + i });
      many.push({ type: 'artifact', step: 'b', path: '/model.json', kind: 'checkpoint', time: T + i });
    }
    const state = fold([plan, { type: 'artifact', step: 'b', path: '/first.wav', kind: 'audio', time: T }, ...many]);
    const images = state.artifacts.filter((a) => a.kind === 'image').map((a) => a.path);
    expect(images).toHaveLength(ARTIFACTS_PER_KIND);
    expect(images[0]).toBe(`/plots/alignment-step-${2 * ARTIFACTS_PER_KIND}.png`);
    expect(images.at(-1)).toBe(`/plots/alignment-step-${3 * ARTIFACTS_PER_KIND - 1}.png`);
    expect(state.earlierArtifacts).toEqual({ image: 2 * ARTIFACTS_PER_KIND });
    // Other kinds are not pushed out by a flood of one kind.
    expect(state.artifacts.filter((a) => a.kind !== 'image').map((a) => a.path)).toEqual(['/first.wav', '/model.json']);
  });

  it('ignores events of steps it does not know', () => {
    const state = fold([plan]);
    expect(applyEvent(state, { type: 'metric', step: 'zz', name: 'loss', value: 1, time: T }).steps).toBe(state.steps);
  });

  it('moves its clock with ticks and counts stop requests', () => {
    const state = [{ type: 'tick', time: T + 9000 } as const, { type: 'interrupt' } as const, { type: 'interrupt' } as const].reduce(applyEvent, fold([plan]));
    expect([state.now, state.interrupts]).toEqual([T + 9000, 2]);
  });

  it('folds the recorded run to its final state', () => {
    const events = loadFixtureEvents();
    const mid = foldEvents(events.slice(0, midTrainingCount(events)));
    expect(mid.steps.map((s) => s.state)).toEqual(['cached', 'succeeded', 'running', 'succeeded', 'pending']);
    expect(mid.steps[2].alignment).toHaveLength(12);
    const end = foldEvents(events);
    expect([end.run, end.steps.every((s) => s.state === 'succeeded' || s.state === 'cached')]).toEqual(['succeeded', true]);
  });
});
