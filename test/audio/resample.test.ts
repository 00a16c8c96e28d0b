import { describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample.ts';

/** Amplitude and frequency of a sine by least squares on a sin/cos basis at the candidate frequency, refined by a scan. */
function fitSine(y: Float32Array, rate: number, guess: number): { freq: number; amp: number } {
  let best = { freq: guess, amp: 0 };
  for (let f = guess - 0.5; f <= guess + 0.5; f += 0.01) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < y.length; i++) {
      s += y[i] * Math.sin((2 * Math.PI * f * i) / rate);
      c += y[i] * Math.cos((2 * Math.PI * f * i) / rate);
    }
    const amp = (2 * Math.hypot(s, c)) / y.length;
    if (amp > best.amp) best = { freq: f, amp };
  }
  return best;
}

describe('resample', () => {
  // Tones up to 90 % of the lower Nyquist frequency (the converter's flat passband).
  const cases: [number, number, number][] = [
    [44100, 16000, 1000], [44100, 16000, 6500], [22050, 16000, 7200], [16000, 22050, 7200], [48000, 22050, 9900], [8000, 16000, 3600],
  ];
  for (const [from, to, freq] of cases) {
    it(`${from} → ${to} Hz keeps a ${freq} Hz sine's frequency and amplitude (±0.1 dB)`, async () => {
      const x = Float32Array.from({ length: from }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / from));
      const y = await resample(x, from, to);
      expect(y.length).toBe(to);
      const mid = y.subarray(Math.floor(to * 0.1), Math.floor(to * 0.9)); // away from the filter's edge transients
      const { freq: f, amp } = fitSine(mid, to, freq);
      expect(Math.abs(f - freq)).toBeLessThan(0.05);
      expect(Math.abs(20 * Math.log10(amp / 0.5))).toBeLessThan(0.1);
    });
  }

  it('removes content above the new Nyquist frequency', async () => {
    const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 12000 * i) / 44100));
    const y = await resample(x, 44100, 16000);
    let rms = 0;
    for (let i = 1600; i < 14400; i++) rms += y[i] * y[i];
    expect(Math.sqrt(rms / 12800)).toBeLessThan(1e-3);
  });

  it('returns the input when the rates match', async () => {
    const x = new Float32Array(10);
    expect(await resample(x, 16000, 16000)).toBe(x);
  });
});
