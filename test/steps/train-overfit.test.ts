import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import type { TrainParams } from '../../src/training/params.ts';
import { selectBackend } from '../../src/models/backend.ts';
import { loadTrainedModel } from '../../src/models/load-trained.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

// Learning tests (the slow ones): tiny networks on synthetic utterances whose alignment is learnable.
const metricsOf = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

let features: string;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('feat-'), { utterances: 12 });
});

describe('train-text2mel learns', () => {
  it('overfits a few utterances: L1 falls and the attention becomes diagonal', async () => {
    const few = writeSyntheticFeatures(makeTempDir('few-'), { utterances: 14, minChars: 3, maxChars: 8 });
    const out = makeTempDir('overfit-');
    const ctx = makeContext<TrainParams>({
      config: 'tiny', steps: 80, batch_size: 4, validation: 2, lr: 3e-3, warmup: 30, log_every: 20, plot_every: 80, checkpoint_every: 100,
    }, { outDir: out, inputs: { features: few } });
    await trainText2Mel.run(ctx);
    const m = metricsOf(out);
    // measured: L1 0.304 → 0.237, diagonality 0.30 → 0.51
    expect(m.at(-1)!.l1).toBeLessThan(0.85 * m[0].l1);
    expect(m.at(-1)!.diagonality).toBeGreaterThan(m[0].diagonality + 0.1);
    for (const name of ['loss', 'l1', 'bd', 'att', 'lr', 'grad_norm', 'steps_per_s', 's_per_step', 'val_loss', 'diagonality']) {
      expect(ctx.metrics.some((x) => x.name === name && Number.isFinite(x.value))).toBe(true);
    }
    expect(existsSync(join(out, 'plots', 'alignment-step-80.png'))).toBe(true);
    const doc = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(doc).toMatchObject({ network: 'text2mel', step: 80, latest: 'checkpoints/step-0000080' });
    expect(doc.features.n_mels).toBe(40);
    const loaded = loadTrainedModel(out, 'best');
    expect(loaded.model.store.countParams()).toBe(827_448);
    loaded.model.store.dispose();
  });

});

describe('train-ssrn learns', () => {
  it('loss falls on random crops and model.json loads', async () => {
    const out = makeTempDir('ssrn-');
    await trainSsrn.run(makeContext({ config: 'tiny', steps: 40, batch_size: 4, validation: 2, crop_frames: 8, lr: 2e-3, warmup: 20, log_every: 10 }, { outDir: out, inputs: { features } }));
    const m = metricsOf(out);
    expect(m.at(-1)!.l1).toBeLessThan(0.8 * m[0].l1);
    expect(m.at(-1)!.val_loss).toBeLessThan(m[0].val_loss);
    const loaded = loadTrainedModel(out);
    expect(loaded.network).toBe('ssrn');
    expect(loaded.features).toEqual(TINY_FEATURES);
    loaded.model.store.dispose();
  });

});
