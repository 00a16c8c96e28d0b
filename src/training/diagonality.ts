// "Diagonality" of an attention alignment: the share of attention mass inside the band
// |n/N − t/T'| ≤ 0.1 around the utterance's own diagonal, over its real frames t < T' (each row of
// A sums to 1, so the total mass is T'; mass on padded text positions counts as off-diagonal).
// 1 = perfectly diagonal; a uniform alignment over N symbols scores about 0.2.
export const DIAGONAL_BAND = 0.1;

/** alignment: [T'_b, N_b] row-major for one item; n, t: its real lengths. */
export function diagonality(alignment: Float32Array, nb: number, textLen: number, frames: number): number {
  let inside = 0;
  for (let t = 0; t < frames; t++) {
    for (let n = 0; n < textLen; n++) {
      if (Math.abs(n / textLen - t / frames) <= DIAGONAL_BAND) inside += alignment[t * nb + n];
    }
  }
  return inside / frames;
}
