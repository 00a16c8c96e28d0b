// The plots observer: alignment PNG + numbers and the loss curves, every plot_every steps and at the last.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsLog } from '../../src/training/metrics-log.ts';
import { TrainingPlots } from '../../src/training/training-plots.ts';
import type { Validation } from '../../src/training/train-task.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const report = (step: number, target = 5) => ({ step, target, lr: 0.001, values: { loss: 1 }, gradNorm: 1 });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('training plots', () => {
  it('draws the alignment and, from two logged lines, the loss curves at each due step', async () => {
    const out = makeTempDir('plots-');
    const ctx = makeContext({}, { outDir: out });
    const log = new MetricsLog(out, 0);
    const alignment = { rows: 2, cols: 3, matrix: Float32Array.from([0.9, 0.5, 0.123456, 0.1, 0.5, 0.876544]) };
    const validation: Validation = { valLoss: 1, metrics: {}, alignment };
    const plots = new TrainingPlots(ctx, { network: 'text2mel', terms: ['l1'] }, log, async () => validation, 2);

    await plots.afterStep(report(1));
    expect(readdirSync(join(out, 'plots'))).toEqual([]);
    log.append({ step: 2, loss: 1.5, l1: 0.5, val_loss: 1.4 });
    await plots.afterStep(report(2));
    expect(readdirSync(join(out, 'plots')).sort()).toEqual(['alignment-latest.json', 'alignment-step-2.png', 'alignment-step-2.svg']);
    log.append({ step: 4, loss: 1.2, l1: 0.4, val_loss: 1.3 });
    await plots.afterStep(report(4));
    await plots.afterStep(report(5));
    expect(readdirSync(join(out, 'plots')).sort()).toEqual(['alignment-latest.json', ...[2, 4, 5].flatMap((n) => [`alignment-step-${n}.png`, `alignment-step-${n}.svg`]), 'loss.png', 'loss.svg']);
    for (const f of ['alignment-step-5.png', 'loss.png']) expect(readFileSync(join(out, 'plots', f)).subarray(0, 4)).toEqual(PNG);
    expect(JSON.parse(readFileSync(join(out, 'plots', 'alignment-latest.json'), 'utf8'))).toEqual({ rows: 2, cols: 3, step: 5, data: [0.9, 0.5, 0.1235, 0.1, 0.5, 0.8765] });
    expect(ctx.artifacts.filter((a) => a.endsWith('loss.png'))).toHaveLength(2);
  });

  it('an SSRN (no alignment) gets only the loss curves', async () => {
    const out = makeTempDir('plots-ssrn-');
    const ctx = makeContext({}, { outDir: out });
    const log = new MetricsLog(out, 0);
    log.append({ step: 1, loss: 2 });
    log.append({ step: 2, loss: 1 });
    await new TrainingPlots(ctx, { network: 'ssrn', terms: [] }, log, async () => ({ valLoss: 1, metrics: {} }), 2).afterStep(report(2));
    expect(readdirSync(join(out, 'plots')).sort()).toEqual(['loss.png', 'loss.svg']);
    expect(existsSync(join(out, 'plots', 'alignment-latest.json'))).toBe(false);
  });
});
