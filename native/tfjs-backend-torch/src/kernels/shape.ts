// Layout and creation kernels. tfjs conventions (negative axes, -1 in shapes, strided-slice
// masks, split sizes) are resolved here with tfjs's own utilities; the addon gets plain numbers.
import type { KernelDef, TensorInfo } from './types.js';
import { native } from './types.js';
import type { TorchBackendLike } from '../backend.js';

function reshape(backend: TorchBackendLike, x: TensorInfo, shape: number[]): TensorInfo {
  return backend.run('Reshape', [x], [shape])[0];
}

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export const shapeKernels: KernelDef[] = [
  {
    name: 'Reshape',
    run(i, a, backend, tf) {
      const size = tf.util.sizeFromShape(i.x.shape);
      return reshape(backend, i.x, tf.util.inferFromImplicitShape([...a.shape], size));
    },
  },
  {
    name: 'ExpandDims',
    run(i, a, backend) {
      const x = i.input;
      const rank = x.shape.length;
      const dim = a.dim < 0 ? a.dim + rank + 1 : a.dim;
      const shape = [...x.shape];
      shape.splice(dim, 0, 1);
      return reshape(backend, x, shape);
    },
  },
  { name: 'Identity', run: (i, _a, backend) => backend.alias(i.x) },
  native('Transpose', ['x'], (a) => [[...a.perm]]),
  {
    name: 'Slice',
    run(i, a, backend, tf) {
      const [begin, size] = tf.slice_util.parseSliceParams(i.x, a.begin, a.size);
      return backend.run('Slice', [i.x], [begin, size])[0];
    },
  },
  {
    // Element k of output dim d is x[begin_d + k * stride_d]. Negative strides are turned into
    // positive ones on a flipped dimension: index j of the flip is n - 1 - j.
    name: 'StridedSlice',
    run(i, a, backend, tf) {
      const x = i.x;
      const info = tf.slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
      if (info.isIdentity) return reshape(backend, x, info.finalShape);
      const starts: number[] = [];
      const counts: number[] = [];
      const steps: number[] = [];
      const flips: number[] = [];
      for (let d = 0; d < x.shape.length; d++) {
        const s = info.strides[d] ?? 1;
        const b = info.begin[d] ?? 0;
        const e = info.end[d] ?? x.shape[d];
        const count = Math.max(0, Math.ceil((e - b) / s));
        counts.push(count);
        if (s > 0) {
          starts.push(b);
          steps.push(s);
        } else {
          flips.push(d);
          starts.push(x.shape[d] - 1 - b);
          steps.push(-s);
        }
      }
      return backend.run('StridedSlice', [x], [starts, counts, steps, flips, info.finalShape])[0];
    },
  },
  {
    name: 'Concat',
    run(i, a, backend, tf) {
      const xs = Object.values(i);
      const axis = tf.util.parseAxisParam(a.axis, xs[0].shape)[0];
      if (xs.length === 1) return backend.alias(xs[0]);
      return backend.run('Concat', xs, [axis])[0];
    },
  },
  {
    name: 'Pack',
    run(i, a, backend) {
      const xs = Object.values(i);
      return backend.run('Pack', xs, [norm(a.axis ?? 0, xs[0].shape.length + 1)])[0];
    },
  },
  native('Unpack', ['value'], (a, i) => [norm(a.axis ?? 0, i.value.shape.length)]),
  {
    name: 'SplitV',
    run(i, a, backend, tf) {
      const axis = tf.util.parseAxisParam(a.axis, i.x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(i.x, a.numOrSizeSplits, axis);
      return backend.run('SplitV', [i.x], [sizes, axis]);
    },
  },
  native('PadV2', ['x'], (a) => [(a.paddings as number[][]).flat(), a.constantValue ?? 0]),
  native('Tile', ['x'], (a) => [[...a.reps]]),
  native('Reverse', ['x'], (a, i, tf) => [tf.util.parseAxisParam(a.dims, i.x.shape)]),
  native('BroadcastTo', ['x'], (a) => [[...a.shape]]),
  native('Fill', [], (a) => [[...a.shape], Number(a.value), a.dtype ?? 'float32']),
  native('ZerosLike', ['x']),
  native('OnesLike', ['x']),
  native('OneHot', ['indices'], (a) => [a.depth, a.onValue ?? 1, a.offValue ?? 0, a.dtype ?? 'int32']),
  {
    name: 'GatherV2',
    run(i, a, backend, tf) {
      if ((a.batchDims ?? 0) !== 0) throw new Error('tfjs-backend-torch: GatherV2 with batchDims != 0 is not supported');
      const axis = tf.util.parseAxisParam(a.axis ?? 0, i.x.shape)[0];
      return backend.run('GatherV2', [i.x, i.indices], [axis])[0];
    },
  },
  native('UnsortedSegmentSum', ['x', 'segmentIds'], (a) => [a.numSegments]),
  native('Select', ['condition', 't', 'e'], (_a, i, tf) => [tf.upcastType(i.t.dtype, i.e.dtype)]),
  native('TopK', ['x'], (a) => [a.k ?? 1, a.sorted ?? true]),
  {
    name: 'Range',
    run(_i, a, backend) {
      const { start, stop, step, dtype } = a;
      const n = start === stop || step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
      const vals = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
      for (let k = 0; k < n; k++) vals[k] = start + k * step;
      return backend.writeInfo(vals, [n], dtype ?? 'float32');
    },
  },
];
