// Losses of docs/design.md §4.
import { tf } from './backend.ts';

/** Mean over all elements of |y − target| (§4.1, no padding mask, as REF). */
export const l1Loss = (y: tf.Tensor, target: tf.Tensor): tf.Scalar => tf.mean(tf.abs(tf.sub(y, target)));

/**
 * Binary divergence = mean sigmoid cross-entropy with logits x and labels z, stable form (§4.1):
 * max(x, 0) − x·z + log(1 + exp(−|x|))  (= −z·log σ(x) − (1−z)·log(1−σ(x))).
 */
export const binaryDivergence = (logits: tf.Tensor, target: tf.Tensor): tf.Scalar =>
  tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));

/**
 * A guide from known alignments (training/duration-guide.ts): per item, the fractional symbol
 * position at each frame of the batch (undefined: that item falls back to the diagonal), and the
 * guide's σ in symbols.
 */
export interface DurationGuide {
  positions: (ArrayLike<number> | undefined)[];
  width: number;
}

/**
 * Guided-attention weights W [B, T'_b, N_b] (same layout as the alignment A [B, T', N]).
 *
 * Default (§4.3 "recommended"): per item i, W_i[n, t] = 1 − exp(−(n/N_i − t/T'_i)² / (2g²)) with
 * the item's own lengths, over the whole padded rectangle n < N_b, t < T'_b; mask all ones.
 *
 * With a duration guide, an item with positions p gets W_i[n, t] = 1 − exp(−(n − p[t])² / (2σ²)).
 *
 * refCompat (REF): one fixed grid W[n, t] = 1 − exp(−(t/maxT − n/maxN)² / (2g²)), applied to the
 * batch rectangle cut to maxN × maxT; mask 1 inside the cut, 0 beyond it.
 */
export function guidedAttentionWeights(
  textLens: number[], frameLens: number[], nb: number, tb: number, g: number,
  ref?: { maxN: number; maxT: number },
  guide?: DurationGuide,
): { weights: Float32Array; mask: Float32Array } {
  const b = textLens.length;
  const weights = new Float32Array(b * tb * nb);
  const mask = new Float32Array(b * tb * nb);
  const k = 2 * g * g;
  for (let i = 0; i < b; i++) {
    for (let t = 0; t < tb; t++) {
      for (let n = 0; n < nb; n++) {
        const at = (i * tb + t) * nb + n;
        if (ref) {
          if (n >= ref.maxN || t >= ref.maxT) continue;
          const x = t / ref.maxT - n / ref.maxN;
          weights[at] = 1 - Math.exp(-(x * x) / k);
        } else if (guide?.positions[i]) {
          const x = n - guide.positions[i]![t];
          weights[at] = 1 - Math.exp(-(x * x) / (2 * guide.width * guide.width));
        } else {
          const x = n / textLens[i] - t / frameLens[i];
          weights[at] = 1 - Math.exp(-(x * x) / k);
        }
        mask[at] = 1;
      }
    }
  }
  return { weights, mask };
}

/** ATT = Σ A·W·mask / Σ mask. alignment [B, T', N]. */
export function guidedAttentionLoss(
  alignment: tf.Tensor3D, textLens: number[], frameLens: number[], g: number,
  ref?: { maxN: number; maxT: number },
  guide?: DurationGuide,
): tf.Scalar {
  const [, tb, nb] = alignment.shape;
  const { weights, mask } = guidedAttentionWeights(textLens, frameLens, nb, tb, g, ref, guide);
  let count = 0;
  for (const m of mask) count += m;
  const w = tf.tensor(weights, alignment.shape);
  return tf.div(tf.sum(tf.mul(alignment, w)), Math.max(count, 1));
}
