// The vocoder seam: each registered vocoder turns a real mel into the audio it should, and the
// registry refuses names it does not know.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { computeFeatures } from '../../src/audio/features.ts';
import type { FeatureConfig } from '../../src/audio/feature-config.ts';
import { readFeatures } from '../../src/data/feature-index.ts';
import { magnitudeToWave } from '../../src/audio/griffin-lim.ts';
import { readWav } from '../../src/audio/wav.ts';
import { tf, selectBackend } from '../../src/models/backend.ts';
import { INFERENCE } from '../../src/models/layers.ts';
import { loadTrainedModel } from '../../src/models/load-trained.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { UserError } from '../../src/errors.ts';
import { readNpy } from '../../src/util/npy.ts';
import { griffinLimDefaults } from '../../src/synthesis/vocoders/griffin-lim-settings.ts';
import { chooseVocoder, loadVocoder, vocoderNames } from '../../src/synthesis/vocoders/registry.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

const speech = readWav(join(import.meta.dirname, '..', 'reference', 'speech.wav')).channels[0];

/** Mean |Δ| between two normalised mels over their common frames. */
function melL1(a: Float32Array, b: Float32Array, nMels: number): number {
  const n = Math.min(a.length, b.length) - (Math.min(a.length, b.length) % nMels);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(a[i] - b[i]);
  return sum / n;
}

let features: string;
let ssrnDir: string;
/** The tiny features (n_fft 512, r 4) the synthetic set is made with. */
let TINY: FeatureConfig;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('vocoder-feat-'), { utterances: 6 });
  TINY = readFeatures(features).config;
  ssrnDir = makeTempDir('vocoder-ssrn-');
  const params = { steps: 2, batch_size: 4, validation: 2, log_every: 2, plot_every: 100, checkpoint_every: 100, config: { base: 'tiny', c: 16 } };
  await trainSsrn.run(makeContext(params, { outDir: ssrnDir, inputs: { features }, backend: 'wasm' }));
});

describe('vocoder registry', () => {
  it('lists each vocoder once and picks one in one place', async () => {
    expect(vocoderNames()).toEqual(expect.arrayContaining(['griffin-lim-ssrn', 'griffin-lim-mel-inverse']));
    for (const name of vocoderNames()) expect((await loadVocoder(name)).name).toBe(name);
    expect((await chooseVocoder(undefined, true)).name).toBe('griffin-lim-ssrn');
    expect((await chooseVocoder(undefined, false)).name).toBe('griffin-lim-mel-inverse');
    expect((await chooseVocoder('griffin-lim-mel-inverse', true)).name).toBe('griffin-lim-mel-inverse');
  });

  it('refuses an unknown name with one line naming the known ones', async () => {
    const err = await loadVocoder('wavenet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`unknown vocoder 'wavenet' (known: ${vocoderNames().join(', ')})`);
    expect((err as Error).message).toMatch(/^unknown vocoder 'wavenet' \(known: [^)]*griffin-lim-ssrn, griffin-lim-mel-inverse/);
    await expect(loadVocoder('toString')).rejects.toThrow(/unknown vocoder 'toString'/);
  });
});

describe('griffin-lim-mel-inverse', () => {
  it('speaks a recorded mel back as audio with the same mel', async () => {
    const f = computeFeatures(speech, 16000, TINY);
    const v = (await loadVocoder('griffin-lim-mel-inverse')).load({ features: TINY, text2melDir: 't2m', ssrnWhich: 'latest' });
    expect(v.summary).toBe('mel pseudo-inverse, 32 Griffin-Lim iterations, power 1');
    const wave = v.melToWave(f.mel, f.frames);
    v.dispose();
    expect(wave.length).toBeGreaterThan(0.8 * f.frames * TINY.r * TINY.hop_length);
    expect(melL1(computeFeatures(wave, 16000, TINY).mel, f.mel, TINY.n_mels)).toBeLessThan(0.01);
  });
});

describe('griffin-lim-ssrn', () => {
  it("vocodes the SSRN's magnitude with Griffin-Lim at the defaults or the settings given", async () => {
    const mel = readNpy(join(features, 'utts', 'u000.mel.npy'));
    const frames = mel.shape[0];
    const melData = mel.data as Float32Array;
    const gl = (await loadVocoder('griffin-lim-ssrn')).load({ features: TINY, text2melDir: 't2m', ssrnDir, ssrnWhich: 'latest' });
    expect(gl.summary).toBe('SSRN step 2, 32 Griffin-Lim iterations, power 1');
    const wave = gl.melToWave(melData, frames);
    gl.dispose();

    // The same SSRN loaded apart: its magnitude through magnitudeToWave gives the very same samples.
    const trained = loadTrainedModel(ssrnDir);
    if (trained.network !== 'ssrn') throw new Error('not an ssrn');
    const z = tf.tidy(() => trained.model.forward(tf.tensor3d(melData, [1, frames, TINY.n_mels]), INFERENCE).mag);
    const expected = magnitudeToWave(z.dataSync() as Float32Array, frames, TINY, griffinLimDefaults(TINY));
    z.dispose();
    trained.model.store.dispose();
    expect(wave.length).toBeGreaterThan(0);
    expect(Array.from(wave)).toEqual(Array.from(expected));

    // Not the pseudo-inverse's audio, and the settings given are the ones used.
    const inverse = (await loadVocoder('griffin-lim-mel-inverse')).load({ features: TINY, text2melDir: 't2m', ssrnWhich: 'latest' });
    expect(Array.from(inverse.melToWave(melData, frames))).not.toEqual(Array.from(wave));
    const two = (await loadVocoder('griffin-lim-ssrn')).load({ features: TINY, text2melDir: 't2m', ssrnDir, ssrnWhich: 'latest', griffinLimIters: 2, power: 1.5 });
    expect(two.summary).toBe('SSRN step 2, 2 Griffin-Lim iterations, power 1.5');
    expect(Array.from(two.melToWave(melData, frames))).not.toEqual(Array.from(wave));
    two.dispose();
    const finer = (await loadVocoder('griffin-lim-ssrn')).load({ features: TINY, text2melDir: 't2m', ssrnDir, ssrnWhich: 'latest', griffinLimHop: 100 });
    expect(finer.summary).toBe('SSRN step 2, 32 Griffin-Lim iterations at hop 100, power 1');
    expect(Array.from(finer.melToWave(melData, frames))).not.toEqual(Array.from(wave));
    finer.dispose();
    const ssrnVocoder = await loadVocoder('griffin-lim-ssrn');
    expect(() => ssrnVocoder.load({ features: TINY, text2melDir: 't2m', ssrnDir, ssrnWhich: 'latest', griffinLimHop: 150 })).toThrow(/^griffin_lim_hop 150 must divide the voice's hop_length 200$/);
  });

  it('without an SSRN, or with one trained on other features, says so in one line', async () => {
    const v = await loadVocoder('griffin-lim-ssrn');
    expect(() => v.load({ features: TINY, text2melDir: 't2m', ssrnWhich: 'latest' }))
      .toThrow(new UserError('the griffin-lim-ssrn vocoder needs a trained SSRN (ssrn: a train-ssrn step)'));
    expect(() => v.load({ features: { ...TINY, sample_rate: 22050 }, text2melDir: 't2m', ssrnDir, ssrnWhich: 'latest' }))
      .toThrow(`the SSRN (${ssrnDir}) was trained on other features than the Text2Mel (t2m): sample_rate 16000 vs 22050`);
  });
});
