// Reductions, arg-extrema, cumulative sums and softmax. Axes are normalised here (negative,
// null = all); an empty axis list is an identity (ATen would reduce everything instead).
import type { KernelDef, TensorInfo } from './types.js';
import { native } from './types.js';
import type { TF, TorchBackendLike } from '../backend.js';

function reduction(name: string, axisAttr: 'axis' | 'reductionIndices', outDtype: (d: string) => string): KernelDef {
  return {
    name,
    run(inputs, a, backend, tf) {
      const x = inputs.x;
      const axes = tf.util.parseAxisParam(a[axisAttr], x.shape);
      if (axes.length === 0) return castOrAlias(backend, x, outDtype(x.dtype));
      return backend.run(name, [x], [axes, !!a.keepDims])[0];
    },
  };
}

function castOrAlias(backend: TorchBackendLike, x: TensorInfo, dtype: string): TensorInfo {
  return dtype === x.dtype ? backend.alias(x) : backend.run('Cast', [x], [dtype])[0];
}

const sumType = (d: string) => (d === 'float32' ? 'float32' : 'int32');
const same = (d: string) => d;

function axis(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

export const reduceKernels: KernelDef[] = [
  reduction('Sum', 'axis', sumType),
  reduction('Prod', 'axis', sumType),
  reduction('Mean', 'axis', () => 'float32'),
  reduction('Max', 'reductionIndices', same),
  reduction('Min', 'axis', same),
  reduction('All', 'axis', () => 'bool'),
  reduction('Any', 'axis', () => 'bool'),
  native('ArgMax', ['x'], (a, i, tf: TF) => [tf.util.parseAxisParam(a.axis ?? 0, i.x.shape)[0]]),
  native('ArgMin', ['x'], (a, i, tf: TF) => [tf.util.parseAxisParam(a.axis ?? 0, i.x.shape)[0]]),
  native('Cumsum', ['x'], (a, i) => [axis(a.axis, i.x.shape.length), !!a.exclusive, !!a.reverse]),
  native('Cumprod', ['x'], (a, i) => [axis(a.axis, i.x.shape.length), !!a.exclusive, !!a.reverse]),
  native('LogSoftmax', ['logits'], (a, i) => [axis(a.axis ?? -1, i.logits.shape.length)]),
  native('Softmax', ['logits'], (a, i) => [axis(a.dim ?? -1, i.logits.shape.length)]),
];
