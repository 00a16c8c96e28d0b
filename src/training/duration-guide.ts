// The teacher's alignment as a guide (docs/design.md §4.3, `guided_attention: durations`): where
// the diagonal prior assumes each symbol takes an equal share of the frames, flite's phone end
// times say which symbol is spoken at each reduced frame. The guide's minimum runs along that path,
// and its width is a few symbols instead of a fifth of the sentence.

/** σ of the guide in symbols when `guide_width` is not given. */
export const DEFAULT_GUIDE_WIDTH = 2;

/**
 * The fractional symbol position spoken at each reduced frame t < tb: symbol k (0-based, E last)
 * occupies frames [end of k−1, end of k) and position runs from k − ½ to k + ½ across it, so the
 * nearest whole symbol is the one spoken. E spans from the last phone's end to the clip's end;
 * past it (padding) the position keeps rising at the clip's mean rate, onto the padding symbols,
 * as the diagonal prior does.
 */
export function guidePositions(ends: ArrayLike<number>, textLen: number, frames: number, tb: number): Float64Array {
  const bounds = [0, ...Array.from(ends), frames]; // bounds[k], bounds[k + 1]: symbol k's frames
  const rate = textLen / Math.max(frames, 1);
  const pos = new Float64Array(tb);
  let k = 0;
  for (let t = 0; t < tb; t++) {
    const c = t + 0.5;
    if (c >= frames) {
      pos[t] = textLen - 0.5 + (c - frames) * rate;
      continue;
    }
    while (k < textLen - 1 && c >= bounds[k + 1]) k++;
    const span = bounds[k + 1] - bounds[k];
    pos[t] = span > 0 ? k - 0.5 + (c - bounds[k]) / span : k;
  }
  return pos;
}
