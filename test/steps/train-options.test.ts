// The recipe options reach the training steps: lr_schedule (the learning rate logged in
// metrics.jsonl), decoder_input_noise / decoder_input_dropout and reduction_phase (the training loss, not validation's).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { selectBackend } from '../../src/models/backend.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

const D16 = { base: 'tiny', e: 16, d: 16 };
const metricsOf = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
const lrsOf = (dir: string) => metricsOf(dir).map((m) => m.lr);

let features: string;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('feat-'), { utterances: 8 });
});

describe('lr_schedule', () => {
  const common = { steps: 6, batch_size: 4, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100, lr: 1e-3, warmup: 2 };

  it('train-text2mel: linear-decay falls to η0 / (steps − warmup) at the last step; noam stays the default', async () => {
    const linear = makeTempDir('t2m-linear-');
    await trainText2Mel.run(makeContext({ ...common, config: D16, lr_schedule: 'linear-decay' }, { outDir: linear, inputs: { features } }));
    expect(lrsOf(linear)).toEqual([0.5e-3, 1e-3, 1e-3, 0.75e-3, 0.5e-3, 0.25e-3].map((x) => expect.closeTo(x, 12)));
    const noam = makeTempDir('t2m-noam-');
    await trainText2Mel.run(makeContext({ ...common, config: D16 }, { outDir: noam, inputs: { features } }));
    expect(lrsOf(noam)).toEqual([1, 2, 3, 4, 5, 6].map((s) => expect.closeTo(1e-3 * Math.min(s / 2, Math.sqrt(2 / s)), 12)));
  });

  it('train-ssrn: linear-decay too', async () => {
    const out = makeTempDir('ssrn-linear-');
    await trainSsrn.run(makeContext({ ...common, config: 'tiny', crop_frames: 4, lr_schedule: 'linear-decay' }, { outDir: out, inputs: { features } }));
    expect(lrsOf(out).at(-1)).toBeCloseTo(0.25e-3, 12);
  });
});

/** The metrics of a short Text2Mel run from seed 4 as it is, and with `option` added (same weights at step 0). */
async function withAndWithout(steps: number, option: Record<string, unknown>) {
  const common = { config: D16, steps, batch_size: 4, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100, seed: 4 };
  const plain = makeTempDir('t2m-plain-');
  await trainText2Mel.run(makeContext(common, { outDir: plain, inputs: { features } }));
  const varied = makeTempDir('t2m-varied-');
  await trainText2Mel.run(makeContext({ ...common, ...option }, { outDir: varied, inputs: { features } }));
  return [metricsOf(plain), metricsOf(varied)] as const;
}

describe('decoder_input_noise / decoder_input_dropout', () => {
  it('change the training loss of train-text2mel (same seed, same weights at step 0)', async () => {
    const [[a], [b]] = await withAndWithout(1, { decoder_input_noise: 0.2, decoder_input_dropout: 0.3 });
    expect(b!.loss).not.toBe(a!.loss);
    expect(b!.att).not.toBe(a!.att);
  });
});

describe('reduction_phase: random', () => {
  it('trains train-text2mel on mels rebuilt at drawn phases (the training loss changes; the run completes)', async () => {
    const [[a], random] = await withAndWithout(2, { reduction_phase: 'random' });
    expect(random[0]!.l1).not.toBe(a!.l1);
    expect(random).toHaveLength(2);
  });
});
