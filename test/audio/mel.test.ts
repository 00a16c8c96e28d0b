import { describe, expect, it } from 'vitest';
import { hzToMel, melBandEdges, melFilterbank, melToHz } from '../../src/audio/mel.ts';

// Golden values for docs/design.md §2.3 (default config: 22,050 Hz, n_fft 2048, 80 bands, 0–11,025 Hz).
describe('Slaney mel filterbank', () => {
  const fb = melFilterbank(22050, 2048, 80, 0, 11025);
  const row = (i: number) => fb.weights.subarray(i * fb.nBins, (i + 1) * fb.nBins);
  const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

  it('maps Hz to mel and back', () => {
    expect(hzToMel(11025)).toBeCloseTo(49.9106, 4);
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    for (const f of [0, 440, 999, 1000, 4000, 11025]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 9);
  });

  it('has the golden band edges', () => {
    const f = melBandEdges(80, 0, 11025);
    expect(f[1]).toBeCloseTo(41.0787, 4);
    expect(f[2]).toBeCloseTo(82.1574, 4);
    expect(f[80]).toBeCloseTo(10567.7, 2);
    expect(f[81]).toBeCloseTo(11025, 9);
  });

  it('band 0 is non-zero exactly on bins 1…7 with the golden weights', () => {
    const b0 = row(0);
    const nonZero = [...b0.keys()].filter((k) => b0[k] !== 0);
    expect(nonZero).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const golden = [0.00638, 0.012761, 0.019141, 0.023166, 0.016785, 0.010405, 0.004024];
    golden.forEach((g, i) => expect(b0[i + 1]).toBeCloseTo(g, 6));
    expect([fb.start[0], fb.end[0]]).toEqual([1, 8]);
  });

  it('has the golden row sums and total', () => {
    expect(sum(row(0))).toBeCloseTo(0.092662, 6);
    expect(sum(row(79))).toBeCloseTo(0.092871, 6);
    expect(sum(fb.weights)).toBeCloseTo(7.42989, 4);
  });
});
