import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures, filterbankOf, preEmphasis } from '../../src/audio/features.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { magnitudeToWave, stftParamsOf } from '../../src/audio/griffin-lim.ts';
import { applyMel } from '../../src/audio/mel.ts';
import { melNormToMagNorm, melToLinear } from '../../src/audio/mel-inverse.ts';
import { stftMagnitude } from '../../src/audio/stft.ts';
import { trimSilence } from '../../src/audio/trim.ts';
import { readWav } from '../../src/audio/wav.ts';

const speech = readWav(join(import.meta.dirname, '..', 'reference', 'speech.wav')).channels[0];

describe('mel inversion (NNLS)', () => {
  it('finds a non-negative spectrum whose mel matches the given mel', () => {
    const { mag, frames } = stftMagnitude(preEmphasis(trimSilence(speech), 0.97), stftParamsOf(TINY_FEATURES));
    const fb = filterbankOf(TINY_FEATURES);
    const mel = applyMel(mag, frames, fb);
    const lin = melToLinear(mel, frames, fb);
    expect(lin.every((v) => v >= 0)).toBe(true);
    const back = applyMel(lin, frames, fb);
    let num = 0;
    let den = 0;
    for (let i = 0; i < mel.length; i++) {
      num += (mel[i] - back[i]) ** 2;
      den += mel[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3); // measured 1.8e-4
  });

  it('previews a reduced mel as audio whose mel is close to the original', () => {
    const f = computeFeatures(speech, 16000, TINY_FEATURES);
    const magNorm = melNormToMagNorm(f.mel, f.frames, TINY_FEATURES);
    expect(magNorm.length).toBe(4 * f.frames * 257);
    const wave = magnitudeToWave(magNorm, f.frames, TINY_FEATURES, { iters: 32, power: 1 });
    const again = computeFeatures(wave, 16000, TINY_FEATURES);
    const n = Math.min(again.frames, f.frames) * TINY_FEATURES.n_mels;
    let l1 = 0;
    for (let i = 0; i < n; i++) l1 += Math.abs(again.mel[i] - f.mel[i]);
    expect(l1 / n).toBeLessThan(0.01); // measured 0.0012
  });
});
