// Matrix products for training. On the wasm backend a matMul with a transpose flag is 10–20×
// slower than a plain one (docs/design.md §3.8), and the built-in matMul gradient uses exactly those
// flags; there the gradient transposes explicitly and then multiplies plainly. Same numbers.
import { tf } from './backend.ts';

const explicitTranspose = (): boolean => tf.getBackend() === 'wasm';

/** Last-two-axes transpose for rank 2 or 3. */
export const transposeLast = (t: tf.Tensor): tf.Tensor => (t.rank === 2 ? tf.transpose(t) : tf.transpose(t, [0, 2, 1]));

const plainGradMatMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    // d(a·b)/da = dy·bᵀ, d(a·b)/db = aᵀ·dy
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => [
      tf.matMul(dy as tf.Tensor2D, transposeLast(saved[1]) as tf.Tensor2D),
      tf.matMul(transposeLast(saved[0]) as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
});

/** a·b for [M,K]·[K,N] or batched [B,M,K]·[B,K,N]. */
export function matmul<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  return (explicitTranspose() ? plainGradMatMul(a, b) : tf.matMul(a, b)) as T;
}
