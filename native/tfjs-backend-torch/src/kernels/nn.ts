// Matrix multiplication and 2-D convolutions. Convolution geometry (SAME/VALID/explicit padding,
// output size, dilation) comes from tfjs's computeConv2DInfo so that shapes match every backend
// exactly; the addon receives strides, dilations and the four pad amounts.
//
// Conv2DBackpropInput / Conv2DBackpropFilter honour an optional `dilations` attr (tfjs's own
// gradients never pass one because they refuse dilation > 1; callers using tf.customGrad do).
import type { KernelDef, Attrs } from './types.js';
import { native } from './types.js';
import type { TF } from '../backend.js';

type Shape4 = [number, number, number, number];

function geometry(tf: TF, a: Attrs, xShape: number[], filterShape: number[]): unknown[] {
  const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
  const info = tf.backend_util.computeConv2DInfo(
    xShape as Shape4, filterShape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, format,
  );
  const p = info.padInfo;
  return [info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, p.top, p.bottom, p.left, p.right, format === 'channelsLast'];
}

/**
 * A fused layer's forward and gradient kernels. The forward returns all its `outputs`; with the
 * attr `keep: true` it returns [y, context] instead, the context being one tensor that holds, in
 * the order the gradient takes them, the forward inputs and outputs named in `gradInputs` (see
 * Entry in binding/addon.cc). The gradient kernel takes (dy, context).
 */
function fusedLayer(
  name: string, inputs: string[], outputs: string[], attrs: (a: Attrs) => unknown[],
  gradName: string, gradInputs: string[], gradAttrs: (a: Attrs) => unknown[],
): KernelDef[] {
  const forward: KernelDef = {
    name,
    run(ins, a, backend) {
      const present = inputs.filter((k) => ins[k] != null);
      const args = present.map((k) => ins[k]);
      if (!a.keep) return backend.run(name, args, attrs(a));
      const items = gradInputs
        .filter((k) => outputs.includes(k) || present.includes(k))
        .map((k) => (outputs.includes(k) ? outputs.indexOf(k) : -1 - present.indexOf(k)));
      return backend.run(name, args, attrs(a), { plain: 1, items });
    },
  };
  return [forward, native(gradName, ['dy', 'context'], gradAttrs)];
}

export const nnKernels: KernelDef[] = [
  native('BatchMatMul', ['a', 'b'], (a) => [!!a.transposeA, !!a.transposeB]),
  native('_FusedMatMul', ['a', 'b', 'bias', 'preluActivationWeights'], (a, i) => [
    !!a.transposeA, !!a.transposeB, a.activation ?? 'linear', a.leakyreluAlpha ?? 0.2, i.bias != null, i.preluActivationWeights != null,
  ]),
  // vcpipe's fused LayerNorm, conv and highway layers, dropout masks (src/models/layers.ts) and
  // Adam update (src/models/adam.ts): not tfjs kernels, called with runKernel.
  native('TorchLayerNorm', ['x', 'gamma', 'beta'], (a) => [a.epsilon]),
  native('TorchLayerNormGrad', ['dy', 'x', 'mean', 'rstd', 'gamma']),
  ...fusedLayer(
    'TorchHighway', ['x', 'kernel', 'bias', 'gamma1', 'beta1', 'gamma2', 'beta2', 'mask'], ['y', 'h', 'g', 'v', 'mean1', 'rstd1', 'mean2', 'rstd2'],
    (a) => [a.k, a.dilation, a.causal, a.epsilon],
    'TorchHighwayGrad', ['x', 'kernel', 'h', 'g', 'v', 'mean1', 'rstd1', 'mean2', 'rstd2', 'gamma1', 'gamma2', 'mask'], (a) => [a.k, a.dilation, a.causal],
  ),
  ...fusedLayer(
    'TorchConvLayer', ['x', 'kernel', 'bias', 'gamma', 'beta', 'mask'], ['y', 'h', 'a', 'mean', 'rstd'], (a) => [a.k, a.dilation, a.causal, a.relu, a.epsilon],
    'TorchConvLayerGrad', ['x', 'kernel', 'h', 'a', 'mean', 'rstd', 'gamma', 'mask'], (a) => [a.k, a.dilation, a.causal, a.relu],
  ),
  native('TorchDropoutMask', [], (a) => [a.state, [...a.shape], a.p]),
  {
    // Inputs: every variable's theta, then every m, every v, every g (one array, as for Concat).
    name: 'TorchAdam',
    run(inputs, a, backend) {
      return backend.run('TorchAdam', Object.values(inputs), [a.beta1, a.beta2, a.epsilon, a.lr, a.clip]);
    },
  },
  native('Conv2D', ['x', 'filter'], (a, i, tf) => geometry(tf, a, i.x.shape, i.filter.shape)),
  native('Conv2DBackpropInput', ['dy', 'filter'], (a, i, tf) => [...geometry(tf, a, a.inputShape, i.filter.shape), [...a.inputShape]]),
  native('Conv2DBackpropFilter', ['x', 'dy'], (a, i, tf) => [...geometry(tf, a, i.x.shape, a.filterShape), [...a.filterShape]]),
];
