import { describe, expect, it } from 'vitest';
import { lnInto } from '../../src/audio/fast-log.ts';

describe('lnInto', () => {
  it('agrees with Math.log within 1e-10 from the amplitude floor to far above any magnitude', () => {
    // Random values over 1e-5 … 1e9, plus the awkward ones: powers of two, table cell edges and
    // their neighbours one ulp away, 1 itself.
    const xs: number[] = [1, 2, 0.5, 1e-5, 1e9, 1 + 2 ** -52, 2 - 2 ** -52];
    for (let cell = 0; cell <= 256; cell++) {
      const edge = 1 + cell / 256;
      xs.push(edge, edge * (1 + 2 ** -52), edge * (1 - 2 ** -53), edge * 1024, edge / 3000);
    }
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 16807) % 2147483647;
      xs.push(10 ** (-5 + (14 * seed) / 2147483647));
    }
    const x = Float64Array.from(xs);
    const out = new Float64Array(x.length);
    lnInto(x, out);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(out[i] - Math.log(x[i])));
    expect(worst).toBeLessThan(1e-10);
  });

  it('reads a subarray at its own offset and stops at count', () => {
    const all = Float64Array.from([5, 7, 11, 13]);
    const out = new Float32Array(3).fill(-1);
    lnInto(all.subarray(1), out, 2);
    expect(out[0]).toBeCloseTo(Math.log(7), 6);
    expect(out[1]).toBeCloseTo(Math.log(11), 6);
    expect(out[2]).toBe(-1);
  });
});
