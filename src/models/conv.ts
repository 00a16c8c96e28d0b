// 1-D convolutions, channels-last: x [B, L, C_in], kernel [k, C_in, C_out], bias [C_out].
//
// TensorFlow.js has no gradient for dilated convolutions (docs/design.md §3.8), and wasm has no
// Conv2DBackpropFilter at all. Three exact forms of the same convolution:
//   tapsum — pad, take the k shifted slices at offsets 0, δ, …, (k−1)δ, concatenate them on
//            channels to [B, L, k·C_in], one matMul with the kernel reshaped to [k·C_in, C_out].
//   native — tf.conv1d with dilation (forward only where δ > 1; no weight gradient on wasm).
//   torch  — tf.conv1d with dilation whose gradient calls the torch backend's
//            Conv2DBackpropInput / Conv2DBackpropFilter kernels with dilations.
// `convImpl` picks one per backend and case; see bench/train-bench.ts for the timings behind it.
import { tf } from './backend.ts';
import { matmul } from './matmul.ts';

export type ConvMode = 'causal' | 'same';
export type ConvImpl = 'tapsum' | 'native' | 'torch';

export interface ConvSpec {
  k: number;
  dilation: number;
  mode: ConvMode;
}

/** Zeros on the time axis: causal (k−1)δ on the left; same (k−1)δ/2 on each side (§3.1). */
export function padTime(x: tf.Tensor3D, spec: ConvSpec): tf.Tensor3D {
  const total = (spec.k - 1) * spec.dilation;
  if (total === 0) return x;
  const left = spec.mode === 'causal' ? total : total / 2;
  return tf.pad(x, [[0, 0], [left, total - left], [0, 0]]);
}

/** k = 1 convolution: one matMul over all positions. x [B, L, C_in], kernel [1, C_in, C_out]. */
function pointwise(x: tf.Tensor3D, kernel: tf.Tensor3D): tf.Tensor3D {
  const [b, l, cin] = x.shape;
  const cout = kernel.shape[2];
  return matmul(x.reshape([b * l, cin]) as tf.Tensor2D, kernel.reshape([cin, cout]) as tf.Tensor2D).reshape([b, l, cout]);
}

/** Tap-sum form (§3.8): exact, differentiable on every backend, one GEMM. */
export function tapSumConv(x: tf.Tensor3D, kernel: tf.Tensor3D, spec: ConvSpec): tf.Tensor3D {
  if (spec.k === 1) return pointwise(x, kernel);
  const [b, l, cin] = x.shape;
  const cout = kernel.shape[2];
  const xp = padTime(x, spec);
  const taps: tf.Tensor3D[] = [];
  for (let j = 0; j < spec.k; j++) taps.push(tf.slice(xp, [0, j * spec.dilation, 0], [b, l, cin]));
  const cols = tf.concat(taps, 2).reshape([b * l, spec.k * cin]) as tf.Tensor2D; // [B·L, k·C_in]
  return matmul(cols, kernel.reshape([spec.k * cin, cout]) as tf.Tensor2D).reshape([b, l, cout]);
}

/** tf.conv1d with dilation on the explicitly padded input ('valid'). */
export function nativeConv(x: tf.Tensor3D, kernel: tf.Tensor3D, spec: ConvSpec): tf.Tensor3D {
  return tf.conv1d(padTime(x, spec), kernel, 1, 'valid', 'NWC', spec.dilation);
}

/**
 * Dilated conv for the torch backend: forward tf.conv2d on [B, 1, Lp, C], gradient through the
 * backend's Conv2DBackpropInput / Conv2DBackpropFilter kernels with the dilations attribute.
 */
const torchValidConv = (dilation: number) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xp, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xp, w]);
    const x4 = xp as tf.Tensor4D; // [B, 1, Lp, C_in]
    const w4 = w as tf.Tensor4D; // [1, k, C_in, C_out]
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, dilation], dimRoundingMode: undefined };
    return {
      value: tf.conv2d(x4, w4, 1, 'valid', 'NHWC', [1, dilation]) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [sx, sw] = saved;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: sw }, { ...attrs, inputShape: sx.shape } as never) as tf.Tensor;
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: sx, dy }, { ...attrs, filterShape: sw.shape } as never) as tf.Tensor;
        return [dx, dw];
      },
    };
  });

const torchConvs = new Map<number, ReturnType<typeof torchValidConv>>();

export function torchConv(x: tf.Tensor3D, kernel: tf.Tensor3D, spec: ConvSpec): tf.Tensor3D {
  const xp = padTime(x, spec);
  const [b, lp, cin] = xp.shape;
  const [k, , cout] = kernel.shape;
  let f = torchConvs.get(spec.dilation);
  if (!f) torchConvs.set(spec.dilation, (f = torchValidConv(spec.dilation)));
  const y = f(xp.reshape([b, 1, lp, cin]), kernel.reshape([1, k, cin, cout])) as tf.Tensor4D;
  return y.reshape([b, x.shape[1], cout]);
}

/**
 * Which exact form to use (measured, B 8, L 60, C 64/128 → 2C, δ 1 and 27, causal and same):
 * - torch, k = 3: native kernels with dilation gradients (the tap sum's concat costs more).
 * - training elsewhere: tap sum. wasm has no conv weight gradient at all; on cpu the tap sum's
 *   forward+backward is 10–25× faster than tf.conv1d's at δ = 1 and tf.conv1d has none at δ > 1.
 * - inference, k = 3: tf.conv1d (forward 1.0–2.8× faster than the tap sum on wasm and cpu); so
 *   gradients need `training: true` on those backends.
 * - k = 1: a plain matMul (the tap sum with one tap), on torch too: its fwd+bwd is 1.5–2× faster
 *   than Conv2D's there, which permutes to NCHW and back (B 8, L 60, 64–256 channels).
 */
export function convImpl(backend: string, spec: ConvSpec, training: boolean): ConvImpl {
  if (spec.k === 1) return 'tapsum';
  if (backend === 'torch') return 'torch';
  return training ? 'tapsum' : 'native';
}

/** conv(x) + bias with the form chosen for the active backend. */
export function conv1d(x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D, spec: ConvSpec, training: boolean): tf.Tensor3D {
  const impl = convImpl(tf.getBackend(), spec, training);
  const y = impl === 'torch' ? torchConv(x, kernel, spec) : impl === 'native' ? nativeConv(x, kernel, spec) : tapSumConv(x, kernel, spec);
  return tf.add(y, bias);
}

/**
 * Transposed conv, kernel 3, stride 2, TF "same" padding (§3.1): output length exactly 2L,
 *   out[2m] = x[m]·W0 + x[m−1]·W2 + b,  out[2m+1] = x[m]·W1 + b   (x[−1] = 0).
 * Two matMuls and an interleave (§3.1). x [B, L, C_in], kernel [3, C_in, C_out] → [B, 2L, C_out].
 */
export function transposedConv2x(x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D): tf.Tensor3D {
  const [b, l, cin] = x.shape;
  const cout = kernel.shape[2];
  const [w0, w1, w2] = tf.unstack(kernel, 0) as tf.Tensor2D[];
  const prev = tf.slice(tf.pad(x, [[0, 0], [1, 0], [0, 0]]), [0, 0, 0], [b, l, cin]); // x[m−1]
  const evenIn = tf.concat([x, prev], 2).reshape([b * l, 2 * cin]) as tf.Tensor2D;
  const even = matmul(evenIn, tf.concat([w0, w2], 0) as tf.Tensor2D); // [B·L, C_out]
  const odd = matmul(x.reshape([b * l, cin]) as tf.Tensor2D, w1);
  const y = tf.stack([even, odd], 1).reshape([b, 2 * l, cout]) as tf.Tensor3D;
  return tf.add(y, bias);
}
