// Listening while training: `preview` sentences are spoken at every `preview_every`-th checkpoint
// of a real train-text2mel run, with a finished SSRN (`preview_ssrn`) or the mel pseudo-inverse.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { UserError } from '../../src/errors.ts';
import type { TrainParams } from '../../src/training/params.ts';
import { readWav } from '../../src/audio/wav.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

// maxT 12: an untrained decoder runs to max_T, so this bounds each preview's length and time.
const D16 = { base: 'tiny', e: 16, d: 16, maxT: 12 };
const COMMON = { batch_size: 4, validation: 2, log_every: 100, plot_every: 100, seed: 2 };
const SENTENCES = ['Hello there.', 'A second one.'];

let features: string;
let ssrn: string;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('preview-feat-'), { utterances: 10 });
  ssrn = makeTempDir('preview-ssrn-');
  await trainSsrn.run(makeContext({ ...COMMON, steps: 2, config: { base: 'tiny', c: 16 } }, { outDir: ssrn, inputs: { features } }));
});

const previewSteps = (dir: string) => (existsSync(join(dir, 'previews')) ? readdirSync(join(dir, 'previews')).sort() : []);

describe('training previews', () => {
  it('speaks the preview sentences at every second checkpoint with the SSRN, as WAVs and alignment PNGs', async () => {
    const out = makeTempDir('preview-t2m-');
    const params: TrainParams = { ...COMMON, config: D16, steps: 8, checkpoint_every: 2, preview: SENTENCES, preview_every: 2, preview_ssrn: 'ssrn' };
    const ctx = makeContext(params, { outDir: out, inputs: { features, ssrn } });
    await trainText2Mel.run(ctx);

    // Checkpoints at 2, 4, 6, 8: the 2nd and 4th are previewed.
    expect(previewSteps(out)).toEqual(['step-0000004', 'step-0000008']);
    for (const step of ['step-0000004', 'step-0000008']) {
      for (const id of ['s01', 's02']) {
        const wav = readWav(join(out, 'previews', step, 'wavs', `${id}.wav`));
        expect(wav.sampleRate).toBe(TINY_FEATURES.sample_rate);
        expect(wav.channels[0].length).toBeGreaterThan(TINY_FEATURES.hop_length * 4);
        expect(existsSync(join(out, 'previews', step, 'plots', `${id}.alignment.png`))).toBe(true);
        expect(ctx.artifacts).toContain(join(out, 'previews', step, 'wavs', `${id}.wav`));
        expect(ctx.artifacts).toContain(join(out, 'previews', step, 'plots', `${id}.alignment.png`));
      }
    }
    expect(ctx.logs.filter((l) => l.startsWith('preview at step'))).toEqual([
      'preview at step 4: 2 sentence(s) in previews/step-0000004 (vocoder griffin-lim-ssrn)',
      'preview at step 8: 2 sentence(s) in previews/step-0000008 (vocoder griffin-lim-ssrn)',
    ]);
  });

  it('without an SSRN previews through the mel pseudo-inverse', async () => {
    const out = makeTempDir('preview-mel-');
    const ctx = makeContext({ ...COMMON, config: D16, steps: 2, checkpoint_every: 2, preview: ['Just one.'] } as TrainParams, { outDir: out, inputs: { features } });
    await trainText2Mel.run(ctx);
    expect(previewSteps(out)).toEqual(['step-0000002']);
    expect(readWav(join(out, 'previews', 'step-0000002', 'wavs', 's01.wav')).channels[0].length).toBeGreaterThan(0);
    expect(ctx.logs).toContain('preview at step 2: 1 sentence(s) in previews/step-0000002 (vocoder griffin-lim-mel-inverse)');
  });

  it('a preview_ssrn outside needs is refused before any step trains', async () => {
    const out = makeTempDir('preview-bad-');
    const ctx = makeContext({ ...COMMON, config: D16, steps: 4, checkpoint_every: 2, preview: SENTENCES, preview_ssrn: 'vocoder' } as TrainParams, { outDir: out, inputs: { features } });
    const err = await trainText2Mel.run(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("preview_ssrn: 'vocoder' is not among this step's needs (features)");
    expect(existsSync(join(out, 'checkpoints'))).toBe(false);
  });
});
