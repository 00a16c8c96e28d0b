import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures, preEmphasis } from '../../src/audio/features.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { deEmphasis, griffinLim, magnitudeToWave, magnitudesAtHop, spectralConvergence, stftParamsOf } from '../../src/audio/griffin-lim.ts';
import { stftMagnitude } from '../../src/audio/stft.ts';
import { trimSilence } from '../../src/audio/trim.ts';
import { readWav } from '../../src/audio/wav.ts';

const speech = readWav(join(import.meta.dirname, '..', 'reference', 'speech.wav')).channels[0];
const p = stftParamsOf(TINY_FEATURES);

describe('Griffin-Lim', () => {
  it('reaches spectral convergence below 0.1 after 50 iterations on the true magnitude of speech', () => {
    // Measured on test/reference/speech.wav (flite rms, tiny STFT 512/200/400): SC 0.93 with zero
    // phase, 0.161 after 8 iterations, 0.086 after 32, 0.076 after 50, 0.063 after 100.
    const y = preEmphasis(trimSilence(speech), 0.97);
    const { mag: S, frames } = stftMagnitude(y, p);
    const sc = (iters: number) => spectralConvergence(S, griffinLim(S, frames, p, iters), p);
    const [sc8, sc50] = [sc(8), sc(50)];
    expect(sc50).toBeLessThan(0.1);
    expect(sc50).toBeLessThan(sc8);
  });

  it('momentum (fast Griffin-Lim) converges further in the same iterations and keeps the voice periodic', async () => {
    const { voicedF0, median } = await import('../../src/eval/pitch.ts');
    const y = preEmphasis(trimSilence(speech), 0.97);
    const { mag: S, frames } = stftMagnitude(y, p);
    const plain = griffinLim(S, frames, p, 32, 0);
    const fast = griffinLim(S, frames, p, 32);
    // Measured: SC 0.086 plain, 0.06 fast.
    expect(spectralConvergence(S, fast, p)).toBeLessThan(0.8 * spectralConvergence(S, plain, p));
    const f0 = (x: Float64Array) => voicedF0(Float32Array.from(deEmphasis(x, 0.97)), 16000);
    const [teacher, withPlain, withFast] = [voicedF0(trimSilence(speech), 16000), f0(plain), f0(fast)];
    // The plain reconstruction's phase leaves few frames periodic enough to count as voiced.
    expect(withFast.length).toBeGreaterThan(2 * withPlain.length);
    expect(Math.abs(12 * Math.log2(median(withFast) / median(teacher)))).toBeLessThan(1.5);
  });

  it('de-emphasis inverts pre-emphasis', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i / 3));
    const back = deEmphasis(preEmphasis(x, 0.97), 0.97);
    expect(Math.max(...back.map((v, i) => Math.abs(v - x[i])))).toBeLessThan(1e-12);
  });

  it('magnitudeToWave turns normalised features back into audio with the same features', () => {
    const f = computeFeatures(speech, 16000, TINY_FEATURES);
    const wave = magnitudeToWave(f.mag, f.frames, TINY_FEATURES, { iters: 32, power: 1 });
    expect(wave.every(Number.isFinite)).toBe(true);
    const again = computeFeatures(wave, 16000, TINY_FEATURES);
    expect(Math.abs(again.frames - f.frames)).toBeLessThanOrEqual(1);
    const n = Math.min(again.frames, f.frames) * TINY_FEATURES.n_mels;
    let l1 = 0;
    for (let i = 0; i < n; i++) l1 += Math.abs(again.mel[i] - f.mel[i]);
    expect(l1 / n).toBeLessThan(0.01); // measured 0.0023 with 50 iterations
    expect(() => magnitudeToWave(f.mag, f.frames + 1, TINY_FEATURES, { iters: 1, power: 1 })).toThrow(/expected \[/);
  });

  it('magnitudesAtHop interpolates each new frame between its two neighbours, keeping the first and last', () => {
    // 3 frames × 2 bins at hop h → 5 frames at h/2.
    const S = Float64Array.from([0, 10, 4, 20, 8, 0]);
    expect(Array.from(magnitudesAtHop(S, 3, 2, 2))).toEqual([0, 10, 2, 15, 4, 20, 6, 10, 8, 0]);
    expect(magnitudesAtHop(S, 3, 2, 1)).toBe(S);
  });

  it('magnitudeToWave at a Griffin-Lim hop that divides the features\' gives audio of the same length and mel; other hops are refused', () => {
    const f = computeFeatures(speech, 16000, TINY_FEATURES);
    const at200 = magnitudeToWave(f.mag, f.frames, TINY_FEATURES, { iters: 32, power: 1 });
    const at100 = magnitudeToWave(f.mag, f.frames, TINY_FEATURES, { iters: 32, power: 1, hop: 100 });
    expect(at100.length).toBeGreaterThan(0.9 * at200.length);
    expect(at100.length).toBeLessThan(1.1 * at200.length);
    expect(Array.from(at100)).not.toEqual(Array.from(at200));
    const again = computeFeatures(at100, 16000, TINY_FEATURES);
    const n = Math.min(again.frames, f.frames) * TINY_FEATURES.n_mels;
    let l1 = 0;
    for (let i = 0; i < n; i++) l1 += Math.abs(again.mel[i] - f.mel[i]);
    expect(l1 / n).toBeLessThan(0.02);
    expect(() => magnitudeToWave(f.mag, f.frames, TINY_FEATURES, { iters: 1, power: 1, hop: 150 })).toThrow(/hop 150 does not divide the features' hop 200/);
  });
});
