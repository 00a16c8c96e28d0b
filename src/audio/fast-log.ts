// Natural logarithm of many float64 values at once, ~1.7× Math.log in V8 (measured on the 300k
// magnitudes of one clip): the hot loop of preprocessing, run once per linear-magnitude bin.
// v = 2^e · m with m ∈ [1, 2) read from the IEEE-754 bits; ln m = ln c + ln(1 + (m/c − 1)) with c
// the centre of m's 1/256-wide table cell, so |m/c − 1| < 2^-9 and three terms of the series
// ln(1 + x) = x − x²/2 + x³/3 leave an error below x⁴/4 ≈ 1.5e-11.
const CELL_BITS = 8;
const CELLS = 1 << CELL_BITS;
const LN_CENTRE = new Float64Array(CELLS);
const INV_CENTRE = new Float64Array(CELLS);
for (let i = 0; i < CELLS; i++) {
  const c = 1 + (i + 0.5) / CELLS;
  LN_CENTRE[i] = Math.log(c);
  INV_CENTRE[i] = 1 / c;
}
const MANTISSA_UNIT = 2 ** -52;

/** out[i] = ln(x[i]) for finite x[i] > 0 (normal numbers: the callers floor their input first). */
export function lnInto(x: Float64Array, out: Float64Array | Float32Array, count = x.length): void {
  // Little-endian words: words[2i] is the low half of x[i], words[2i+1] the sign, exponent and top 20 mantissa bits.
  const words = new Uint32Array(x.buffer, x.byteOffset, 2 * count);
  for (let i = 0; i < count; i++) {
    const hi = words[2 * i + 1];
    const cell = (hi >>> (20 - CELL_BITS)) & (CELLS - 1);
    const m = 1 + ((hi & 0xfffff) * 4294967296 + words[2 * i]) * MANTISSA_UNIT;
    const d = m * INV_CENTRE[cell] - 1;
    out[i] = ((hi >>> 20) - 1023) * Math.LN2 + LN_CENTRE[cell] + d * (1 - d * (0.5 - d / 3));
  }
}
