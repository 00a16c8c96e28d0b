// Derived seeds: every random stream of a training run (batch plans, dropout masks, crops) comes
// from (run seed, purpose, counter) through this integer hash, so its state is the step number.

/** 32-bit mix of the inputs (murmur3-style finaliser applied per input). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
