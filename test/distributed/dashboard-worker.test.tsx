// The dashboard names the worker of a step running on another machine (bullmq executor's second
// `running` event), in the step's line, and keeps the time it has run from that event on.
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import type { RunEvent } from '../../src/runner/events.ts';
import { StepList } from '../../src/ui/dashboard/step-list.tsx';
import { applyEvent, initialState } from '../../src/ui/dashboard/state.ts';

const T = 1_000_000;
const events: RunEvent[] = [
  {
    type: 'run', state: 'running', pipeline: 'p', time: T,
    steps: [
      { name: 'features', kind: 'preprocess', needs: [], decision: 'runs', reason: 'never run' },
      { name: 'text2mel', kind: 'train-text2mel', needs: [], decision: 'runs', reason: 'never run' },
    ],
  },
  { type: 'step', step: 'features', state: 'running', time: T },
  { type: 'step', step: 'text2mel', state: 'running', time: T },
  { type: 'step', step: 'text2mel', state: 'running', worker: 'gpu-box/4242', time: T + 5000 },
  { type: 'step', step: 'features', state: 'running', worker: 'cpu-box/17', time: T + 1000 },
  { type: 'step', step: 'features', state: 'succeeded', time: T + 3000 },
];

describe('dashboard: steps on workers', () => {
  it('shows the worker of each running step, and no more once it is done', () => {
    const state = events.reduce(applyEvent, initialState());
    expect(state.steps.map((s) => [s.name, s.worker])).toEqual([['features', 'cpu-box/17'], ['text2mel', 'gpu-box/4242']]);
    const view = render(<StepList steps={state.steps} now={T + 10_000} />);
    const lines = stripVTControlCharacters(view.lastFrame() ?? '').split('\n');
    view.unmount();
    expect(lines).toEqual([
      ' ✓ features  preprocess      done           2.0s  never run',
      ' ▸ text2mel  train-text2mel  running        5.0s  on gpu-box/4242  never run',
    ]);
  });
});
