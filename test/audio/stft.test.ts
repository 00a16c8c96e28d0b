import { describe, expect, it } from 'vitest';
import { centredWindow, frameCount, istft, reflectPad, stft, stftMagnitude } from '../../src/audio/stft.ts';

const P = { nFft: 512, hop: 200, winLength: 400 };

describe('STFT', () => {
  it('centres a periodic Hann window in n_fft', () => {
    const w = centredWindow(400, 512);
    expect(w[55]).toBe(0);
    expect(w[56]).toBe(0); // first sample of a periodic Hann is 0
    expect(w[56 + 200]).toBeCloseTo(1, 12);
    expect(w[456]).toBe(0);
  });

  it('reflect-pads without repeating the edge, also beyond the signal length', () => {
    expect(Array.from(reflectPad([1, 2, 3], 2))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(Array.from(reflectPad([1, 2, 3], 4))).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]);
  });

  it('puts a bin-centred sine into its bin with the expected magnitude', () => {
    const n = 4000;
    const k = 32; // 32 · 16000/512 = 1000 Hz
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * k * i) / 512));
    const { mag, frames } = stftMagnitude(x, P);
    expect(frames).toBe(frameCount(n, 200));
    const row = mag.subarray(10 * 257, 11 * 257);
    const peak = row.indexOf(Math.max(...row));
    expect(peak).toBe(k);
    expect(row[k]).toBeCloseTo(400 / 4, 6); // |X| = A·Σw/2 and Σ periodic Hann = N/2
  });

  it('ISTFT inverts STFT (window-sum normalised overlap-add)', () => {
    const n = 200 * 30;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 7) + 0.3 * Math.cos(i / 2.3));
    for (const frames of [n, n - 200]) {
      const sig = x.subarray(0, frames);
      const s = stft(sig, P);
      const y = istft(s.re, s.im, s.frames, P);
      expect(y.length).toBe(200 * (s.frames - 1));
      let err = 0;
      for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i] - sig[i]));
      expect(err).toBeLessThan(1e-9);
    }
  });
});
