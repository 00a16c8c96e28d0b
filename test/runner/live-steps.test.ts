// What the coordinator keeps of step reports for the run snapshot (src/runner/live-steps.ts):
// the last progress with a rate over the last ~30 s, the last metric values, and a bounded list
// of announced files.
import { describe, expect, it } from 'vitest';
import { LiveSteps, MAX_ARTIFACTS, rateOf } from '../../src/runner/live-steps.ts';

const T = 1_700_000_000_000;
const progress = (done: number, time: number, total = 1000) => ({ type: 'progress' as const, step: 'train', done, total, unit: 'steps', time });

describe('LiveSteps', () => {
  it('reports the last progress with its rate over the recent samples', () => {
    const live = new LiveSteps();
    expect(live.record(progress(0, T))).toBe(true);
    expect(live.view('train').progress).toEqual({ done: 0, total: 1000, unit: 'steps', time: T });
    // 5 steps/s for 60 s, then 10 steps/s for 40 s: the rate follows the last ~30 s.
    let done = 0;
    let time = T;
    for (let i = 0; i < 600; i++) live.record(progress((done += 0.5), (time += 100)));
    expect(live.view('train').progress!.rate).toBeCloseTo(5, 5);
    for (let i = 0; i < 400; i++) live.record(progress((done += 1), (time += 100)));
    expect(live.view('train').progress).toMatchObject({ done, time });
    expect(live.view('train').progress!.rate).toBeCloseTo(10, 5);
  });

  it('starts measuring again when a step restarts from an earlier point', () => {
    const live = new LiveSteps();
    live.record(progress(100, T));
    live.record(progress(200, T + 10_000));
    live.record(progress(5, T + 11_000));
    expect(live.view('train').progress).toEqual({ done: 5, total: 1000, unit: 'steps', time: T + 11_000 });
  });

  it('keeps the last value of each metric and the newest files, one per path', () => {
    const live = new LiveSteps();
    live.record({ type: 'metric', step: 'train', name: 'loss', value: 0.9, time: T });
    live.record({ type: 'metric', step: 'train', name: 'loss', value: 0.4, time: T });
    live.record({ type: 'metric', step: 'train', name: 'lr', value: 0.002, time: T });
    expect(live.view('train').metrics).toEqual({ loss: 0.4, lr: 0.002 });
    for (let i = 0; i < MAX_ARTIFACTS + 50; i++) {
      live.record({ type: 'artifact', step: 'train', path: `/w/plots/alignment-step-${i}.png`, kind: 'image', time: T });
      live.record({ type: 'artifact', step: 'train', path: '/w/model.json', kind: 'checkpoint', label: `step ${i}`, time: T });
    }
    const artifacts = live.view('train').artifacts!;
    expect(artifacts).toHaveLength(MAX_ARTIFACTS);
    expect(artifacts.at(-1)).toEqual({ path: '/w/model.json', kind: 'checkpoint', label: `step ${MAX_ARTIFACTS + 49}` });
    expect(artifacts.at(-2)!.path).toBe(`/w/plots/alignment-step-${MAX_ARTIFACTS + 49}.png`);
    expect(artifacts[0]!.path).toBe('/w/plots/alignment-step-51.png');
    expect(live.record({ type: 'log', step: 'train', level: 'info', message: 'hi', time: T })).toBe(false);
    expect(live.view('other')).toEqual({});
  });

  it('rateOf needs two samples with time and progress between them', () => {
    expect(rateOf([])).toBeUndefined();
    expect(rateOf([{ time: T, done: 1 }])).toBeUndefined();
    expect(rateOf([{ time: T, done: 1 }, { time: T, done: 5 }])).toBeUndefined();
    expect(rateOf([{ time: T, done: 1 }, { time: T + 2000, done: 9 }])).toBe(4);
  });
});
