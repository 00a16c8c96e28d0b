// The metrics observer: means over each log_every window (and the last step) with lr, speed and
// the validation, to metrics.jsonl and the step's metrics.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsLog } from '../../src/training/metrics-log.ts';
import { MetricsWindow } from '../../src/training/metrics-window.ts';
import type { Validation } from '../../src/training/train-task.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const report = (step: number, loss: number, target = 5) => ({ step, target, lr: step / 1000, values: { loss, l1: loss / 2 }, gradNorm: 10 * loss });

describe('metrics window', () => {
  it('logs the means of each window, the validation of that step, and the last step', async () => {
    const out = makeTempDir('metrics-window-');
    const ctx = makeContext({}, { outDir: out });
    const log = new MetricsLog(out, 0);
    const validated: number[] = [];
    const validation: Validation = { valLoss: 0.7, metrics: { diagonality: 0.4 } };
    const w = new MetricsWindow(ctx, ['l1'], log, async (step) => {
      validated.push(step);
      return validation;
    }, 2);
    for (const [step, loss] of [[1, 1], [2, 3], [3, 5], [4, 7], [5, 9]]) await w.afterStep(report(step, loss));

    expect(validated).toEqual([2, 4, 5]);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    for (const l of lines) expect(l.steps_per_s * l.s_per_step).toBeCloseTo(1);
    expect(lines.map(({ steps_per_s: _, s_per_step: __, ...rest }) => rest)).toEqual([
      { step: 2, loss: 2, grad_norm: 20, l1: 1, lr: 0.002, val_loss: 0.7, diagonality: 0.4 },
      { step: 4, loss: 6, grad_norm: 60, l1: 3, lr: 0.004, val_loss: 0.7, diagonality: 0.4 },
      { step: 5, loss: 9, grad_norm: 90, l1: 4.5, lr: 0.005, val_loss: 0.7, diagonality: 0.4 },
    ]);
    expect(log.lines).toHaveLength(3);
    expect(ctx.metrics.filter((m) => m.name === 'loss')).toEqual([{ name: 'loss', value: 2, at: 2 }, { name: 'loss', value: 6, at: 4 }, { name: 'loss', value: 9, at: 5 }]);
    expect(ctx.metrics.some((m) => m.name === 'step')).toBe(false);
  });

  it('without validation utterances logs the training means alone', async () => {
    const out = makeTempDir('metrics-window-noval-');
    const ctx = makeContext({}, { outDir: out });
    const w = new MetricsWindow(ctx, [], new MetricsLog(out, 0), async () => undefined, 10);
    await w.afterStep(report(1, 4, 1));
    const line = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8')) as Record<string, number>;
    expect(Object.keys(line)).toEqual(['step', 'loss', 'grad_norm', 'lr', 'steps_per_s', 's_per_step']);
  });
});
