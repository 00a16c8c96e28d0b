// Monotonic attention forcing at synthesis (docs/design.md §6.2, REF attention_win_size = 3): before
// the softmax, every text position outside {prev, prev+1, prev+2} gets the score −(2³² − 1), so
// attention may stay or advance by at most 2 symbols per reduced frame. prev starts at 0.

/** Allowed positions per frame: prev, prev+1, prev+2 (§6.2). */
export const ATTENTION_WINDOW = 3;

/** REF's mask value −(2³² − 1) as float32 stores it (−2³²); never apply it in float16 (§6.2). */
export const MASKED_SCORE = Math.fround(-(2 ** 32 - 1));

/**
 * Additive score mask for one query row per item: `prev` [B] → [B, n] row-major, 0 inside the
 * window (clipped to the n padded text positions), MASKED_SCORE elsewhere.
 */
export function windowMask(prev: ArrayLike<number>, n: number): Float32Array {
  const mask = new Float32Array(prev.length * n).fill(MASKED_SCORE);
  for (let b = 0; b < prev.length; b++) {
    const end = Math.min(n, prev[b] + ATTENTION_WINDOW);
    for (let i = prev[b]; i < end; i++) mask[b * n + i] = 0;
  }
  return mask;
}

/**
 * The next forced position: argmax of the (masked) attention row restricted to the window
 * {prev … prev+2} ∩ [0, n). Restricting explicitly keeps the rule exact even where float rounding
 * leaves tiny non-zero weights outside the window. First maximum wins on ties (like tf.argMax).
 * `row` holds n attention weights of one item and frame.
 */
export function forcedPosition(row: ArrayLike<number>, prev: number, n: number): number {
  let best = prev;
  const end = Math.min(n, prev + ATTENTION_WINDOW);
  for (let i = prev + 1; i < end; i++) if (row[i] > row[best]) best = i;
  return best;
}
