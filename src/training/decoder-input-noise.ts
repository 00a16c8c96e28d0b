// Exposure-bias remedy for Text2Mel training (docs/design.md §5.3): the decoder's teacher-forced
// input frames S are corrupted, so it learns to speak on from imperfect previous frames, as it
// must at synthesis where S is its own output. Both corruptions follow speedyspeech's teacher
// (Gaussian noise σ 0.01, 10% of frames zeroed); both are off (0) by default.
import type { Rng } from '../models/rng.ts';

export interface DecoderInputCorruption {
  /** σ of the Gaussian noise added to every value of an item's real frames. */
  noise: number;
  /** Share of an item's real frames set to zero. */
  dropout: number;
}

export const isCorrupting = (c: DecoderInputCorruption): boolean => c.noise > 0 || c.dropout > 0;

/**
 * Corrupts S `[B, tb, F]` in place: only frames 1…T'_i − 1 of item i (frame 0 is the zero start
 * frame, frames past the item's length are padding, both left as they are).
 */
export function corruptDecoderInput(s: Float32Array, frameLens: number[], tb: number, nMels: number, c: DecoderInputCorruption, rng: Rng): void {
  frameLens.forEach((len, i) => {
    for (let t = 1; t < Math.min(len, tb); t++) {
      const at = (i * tb + t) * nMels;
      if (c.dropout > 0 && rng.next() < c.dropout) {
        s.fill(0, at, at + nMels);
        continue;
      }
      if (c.noise > 0) for (let f = 0; f < nMels; f++) s[at + f] += c.noise * rng.normal();
    }
  });
}
