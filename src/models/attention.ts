// Dot-product attention of docs/design.md §3.4 (no parameters).
import { tf } from './backend.ts';
import { matmul, transposeLast } from './matmul.ts';

export interface AttentionOutput {
  /** R' = concat(A·V, Q) on channels: [B, T', 2d]. */
  rq: tf.Tensor3D;
  /** Alignment A = softmax over the text axis: [B, T', N]. */
  alignment: tf.Tensor3D;
}

/**
 * Q [B, T', d], K and V [B, N, d]. `scoreMask` (optional, [B, T', N] or broadcastable) is added to
 * the scores before the softmax: synthesis passes −4.29e9 outside the monotonic window (§6.2).
 */
export function attend(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, scoreMask?: tf.Tensor): AttentionOutput {
  const d = q.shape[2];
  let scores = tf.div(matmul(q, transposeLast(k) as tf.Tensor3D), Math.sqrt(d)) as tf.Tensor3D; // [B, T', N]
  if (scoreMask) scores = tf.add(scores, scoreMask);
  const alignment = tf.softmax(scores, -1) as tf.Tensor3D;
  const r = matmul(alignment, v); // [B, T', d]
  return { rq: tf.concat([r, q], 2), alignment };
}
