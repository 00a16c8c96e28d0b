import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../../src/audio/features.ts';
import { DEFAULT_FEATURES, TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { mixToMono, readWav } from '../../src/audio/wav.ts';
import { readNpy } from '../../src/util/npy.ts';

// Reference numbers come from test/reference/features_ref.py, an independent numpy/scipy
// implementation of the docs/design.md §2.2 pipeline (run once with /usr/bin/python3).
const REF = join(import.meta.dirname, '..', 'reference');

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function load(name: string) {
  const wav = readWav(join(REF, name));
  return { samples: mixToMono(wav.channels), rate: wav.sampleRate };
}

describe('computeFeatures against the numpy reference', () => {
  for (const name of ['chirp', 'speech']) {
    it(`${name}: tiny config mel and magnitude within 1e-4`, () => {
      expect(existsSync(join(REF, `${name}.wav`))).toBe(true);
      const { samples, rate } = load(`${name}.wav`);
      const f = computeFeatures(samples, rate, TINY_FEATURES);
      const mel = readNpy(join(REF, `${name}_tiny_mel.npy`));
      const mag = readNpy(join(REF, `${name}_tiny_mag.npy`));
      expect(mel.shape).toEqual([f.frames, 40]);
      expect(mag.shape).toEqual([4 * f.frames, 257]);
      expect(maxAbsDiff(f.mel, mel.data as Float32Array)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(f.mag, mag.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('chirp at 22,050 Hz: default config mel and every 16th magnitude row within 1e-4', () => {
    const { samples, rate } = load('chirp22k.wav');
    const f = computeFeatures(samples, rate, DEFAULT_FEATURES);
    const mel = readNpy(join(REF, 'chirp22k_default_mel.npy'));
    const rows = readNpy(join(REF, 'chirp22k_default_mag_rows.npy'));
    expect(mel.shape).toEqual([f.frames, 80]);
    expect(maxAbsDiff(f.mel, mel.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    const bins = 1025;
    const picked = new Float32Array(rows.shape[0] * bins);
    for (let j = 0; j < rows.shape[0]; j++) picked.set(f.mag.subarray(16 * j * bins, (16 * j + 1) * bins), j * bins);
    expect(maxAbsDiff(picked, rows.data as Float32Array)).toBeLessThanOrEqual(1e-4);
  });

  it('trims silence, pads to a multiple of r with zero rows and keeps values in (0, 1]', () => {
    const { samples, rate } = load('chirp.wav');
    const f = computeFeatures(samples, rate, TINY_FEATURES);
    const fullFrames = 1 + Math.floor((samples.length - 0.3 * 16000) / 200); // ≈ the 0.8 s body only
    expect(4 * f.frames).toBeGreaterThanOrEqual(fullFrames - 8);
    expect(4 * f.frames).toBeLessThan(fullFrames + 12);
    expect(Math.min(...f.mel)).toBeGreaterThan(0);
    expect(Math.max(...f.mel)).toBeLessThanOrEqual(1);
  });

  it('rejects audio at the wrong sample rate and empty audio', () => {
    expect(() => computeFeatures(new Float32Array(1000), 22050, TINY_FEATURES)).toThrow(/resample first/);
    expect(() => computeFeatures(new Float32Array(0), 16000, TINY_FEATURES)).toThrow(/empty audio/);
  });
});

describe('reference files', () => {
  it('stay small (a few hundred KB in all)', () => {
    const names = ['chirp.wav', 'speech.wav', 'chirp22k.wav', 'speech_tiny_mag.npy', 'chirp_tiny_mag.npy'];
    const total = names.reduce((s, n) => s + readFileSync(join(REF, n)).length, 0);
    expect(total).toBeLessThan(600_000);
  });
});
