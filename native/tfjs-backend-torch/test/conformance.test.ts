// Every kernel of the torch backend against tfjs-backend-cpu on random inputs, including
// broadcasting, empty and size-1 dimensions and int32/bool where the kernel is used with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, seenKernels, setupTorch, tf } from './helpers.ts';
import { torchKernelNames } from '../src/index.ts';

beforeAll(async () => {
  await setupTorch(1);
  await tf.setBackend('torch');
  await tf.setBackend('cpu');
});

type T = tf.Tensor;
const f = (shape: number[], lo?: number, hi?: number) => ({ shape, lo, hi });
const i32 = (shape: number[], lo?: number, hi?: number) => ({ shape, dtype: 'int32' as const, lo, hi });
const b8 = (shape: number[]) => ({ shape, dtype: 'bool' as const });

describe('binary element-wise with broadcasting', () => {
  const shapes: [number[], number[]][] = [
    [[3, 4], [3, 4]],
    [[2, 3, 4], [4]],
    [[2, 1, 4], [3, 1]],
    [[1], [5, 1]],
    [[0, 3], [3]],
    [[], [2, 2]],
  ];
  const ops: Record<string, (a: T, b: T) => T> = {
    add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div, maximum: tf.maximum, minimum: tf.minimum,
    squaredDifference: tf.squaredDifference, less: tf.less, lessEqual: tf.lessEqual, greater: tf.greater,
    greaterEqual: tf.greaterEqual, equal: tf.equal, notEqual: tf.notEqual, atan2: tf.atan2,
  };
  for (const [name, op] of Object.entries(ops)) {
    it(name, async () => {
      for (const [sa, sb] of shapes) await compare(op, [f(sa), f(sb)]);
    });
  }
  it('int32 arithmetic (add, sub, mul, floorDiv, mod, maximum, pow, div)', async () => {
    for (const op of [tf.add, tf.sub, tf.mul, tf.maximum, tf.minimum, tf.equal, tf.less] as ((a: T, b: T) => T)[]) {
      await compare(op, [i32([2, 3]), i32([3])]);
    }
    await compare(tf.floorDiv, [i32([2, 3]), i32([3], 1, 4)]);
    await compare(tf.div, [i32([2, 3]), i32([3], 1, 4)]); // int32 div -> FloorDiv in tfjs
    await compare(tf.mod, [i32([2, 3]), i32([3], 1, 4)]);
    await compare(tf.mod, [f([2, 3]), f([3], 0.5, 2)]);
    await compare(tf.floorDiv, [f([2, 3]), f([3], 0.5, 2)]);
    await compare(tf.pow, [i32([4], 0, 3), i32([4], 0, 3)]);
  });
  it('mixed float/int, pow, prelu, logical ops', async () => {
    await compare((a, b) => tf.add(a, tf.cast(b, 'float32')), [f([2, 3]), i32([3])]);
    await compare(tf.pow, [f([2, 3], 0.1, 2), f([3], -2, 2)]);
    await compare(tf.prelu, [f([2, 3, 4]), f([4])]);
    await compare(tf.logicalAnd, [b8([2, 3]), b8([3])]);
    await compare(tf.logicalOr, [b8([2, 3]), b8([3])]);
    await compare(tf.logicalXor, [b8([4]), b8([4])]);
    await compare(tf.logicalXor, [b8([2, 4]), b8([4])], 1, 1e-5, (a, b) => tf.engine().runKernel('LogicalXor', { a, b }) as T);
    await compare((a) => tf.logicalNot(a), [b8([5])]);
    await compare((a, b, c) => tf.addN([a, b, c]), [f([2, 3]), f([2, 3]), f([2, 3])]);
    await compare((a, b) => tf.addN([a, b]), [i32([4]), i32([4])]);
  });
});

describe('unary', () => {
  const shapes = [[3, 5], [0], [], [1, 1, 7]];
  const general: Record<string, (x: T) => T> = {
    neg: tf.neg, abs: tf.abs, square: tf.square, sign: tf.sign, relu: tf.relu, relu6: (x) => tf.relu6(tf.mul(x, 4)),
    floor: tf.floor, ceil: tf.ceil, round: (x) => tf.round(tf.mul(x, 2)), exp: tf.exp, expm1: tf.expm1,
    sigmoid: tf.sigmoid, tanh: tf.tanh, softplus: tf.softplus, elu: tf.elu, selu: tf.selu, erf: tf.erf,
    sin: tf.sin, cos: tf.cos, tan: tf.tan, atan: tf.atan, sinh: tf.sinh, cosh: tf.cosh, asinh: tf.asinh,
    step: (x) => tf.step(x, 0.3), leakyRelu: (x) => tf.leakyRelu(x, 0.1), clip: (x) => tf.clipByValue(x, -0.5, 0.7),
    isNaN: (x) => tf.isNaN(tf.log(x)), isInf: (x) => tf.isInf(tf.div(1, tf.floor(x))), isFinite: (x) => tf.isFinite(tf.log(x)),
    reciprocal: tf.reciprocal,
  };
  for (const [name, op] of Object.entries(general)) {
    it(name, async () => {
      for (const s of shapes) await compare(op, [f(s)]);
    });
  }
  const positive: Record<string, (x: T) => T> = { log: tf.log, log1p: tf.log1p, sqrt: tf.sqrt, rsqrt: tf.rsqrt, acosh: (x) => tf.acosh(tf.add(x, 1)) };
  for (const [name, op] of Object.entries(positive)) {
    it(name, async () => {
      for (const s of shapes) await compare(op, [f(s, 0.01, 3)]);
    });
  }
  const unit: Record<string, (x: T) => T> = { asin: tf.asin, acos: tf.acos, atanh: tf.atanh };
  for (const [name, op] of Object.entries(unit)) {
    it(name, async () => compare(op, [f([4, 4], -0.95, 0.95)]));
  }
  it('int32 inputs', async () => {
    for (const op of [tf.neg, tf.abs, tf.square, tf.sign, tf.relu, (x: T) => tf.clipByValue(x, -2, 3), tf.exp, (x: T) => tf.step(x)]) {
      await compare(op, [i32([3, 4])]);
    }
  });
  it('cast between float32, int32 and bool', async () => {
    await compare((x) => tf.cast(x, 'int32'), [f([10], -3, 3)]);
    await compare((x) => tf.cast(x, 'bool'), [f([10], -1, 1)]);
    await compare((x) => tf.cast(x, 'float32'), [i32([10])]);
    await compare((x) => tf.cast(x, 'bool'), [i32([10])]);
    await compare((x) => tf.cast(x, 'float32'), [b8([10])]);
    await compare((x) => tf.cast(x, 'int32'), [b8([10])]);
    await compare((x) => tf.cast(x, 'float32'), [f([3])]);
  });
  it('eluGrad via gradient', async () => {
    await compare((x) => tf.grad((y: T) => tf.elu(y).sum())(x), [f([3, 4])]);
  });
});

describe('reductions', () => {
  const red: Record<string, (x: T, axis?: number | number[], keep?: boolean) => T> = {
    sum: tf.sum, mean: tf.mean, max: tf.max, min: tf.min, prod: tf.prod,
  };
  for (const [name, op] of Object.entries(red)) {
    it(name, async () => {
      for (const keep of [false, true]) {
        await compare((x) => op(x, undefined, keep), [f([3, 4])]);
        await compare((x) => op(x, 1, keep), [f([3, 4])]);
        await compare((x) => op(x, -1, keep), [f([2, 3, 4], 0.5, 1.5)]);
        await compare((x) => op(x, [0, 2], keep), [f([2, 3, 4], 0.5, 1.5)]);
        await compare((x) => op(x, 0, keep), [f([1, 5])]);
        await compare((x) => op(x, undefined, keep), [f([])]);
      }
      if (name !== 'mean') await compare((x) => op(x, 1), [i32([3, 4], -3, 3)]);
    });
  }
  it('sum of empty dims and of bool', async () => {
    await compare((x) => tf.sum(x, 1), [f([3, 0])]);
    await compare((x) => tf.sum(x, 0), [b8([6, 2])]);
    await compare((x) => tf.mean(x, 0), [i32([6, 2])]);
  });
  it('all / any', async () => {
    await compare((x) => tf.all(x, 1), [b8([4, 3])]);
    await compare((x) => tf.any(x, [0, 1], true), [b8([4, 3])]);
    await compare((x) => tf.all(x), [b8([4, 3])]);
  });
  it('argMax / argMin', async () => {
    await compare((x) => tf.argMax(x, -1), [f([3, 4, 5])]);
    await compare((x) => tf.argMin(x, 1), [f([3, 4, 5])]);
    await compare((x) => tf.argMax(x), [i32([7], -100, 100)]);
  });
  it('cumsum / cumprod with exclusive and reverse', async () => {
    for (const excl of [false, true]) {
      for (const rev of [false, true]) {
        await compare((x) => tf.cumsum(x, 1, excl, rev), [f([3, 5])]);
        await compare((x) => tf.cumprod(x, 0, excl, rev), [f([3, 5], 0.5, 1.5)]);
      }
    }
    await compare((x) => tf.cumsum(x, 0), [i32([6])]);
  });
  it('softmax / logSoftmax', async () => {
    await compare((x) => tf.softmax(x), [f([2, 3, 7], -5, 5)]);
    await compare((x) => tf.softmax(x, 1), [f([4, 1])]);
    await compare((x) => tf.logSoftmax(x), [f([2, 6], -5, 5)]);
    await compare((x) => tf.logSoftmax(x), [f([2, 6], -5, 5)], 1, 1e-5, (x) => tf.engine().runKernel('LogSoftmax', { logits: x }, { axis: -1 }) as T);
    await compare((x) => tf.grad((y: T) => tf.softmax(y).mul(tf.range(0, 6)).sum())(x), [f([3, 6])]);
  });
  it('moments (layer norm building block)', async () => {
    await compare((x) => { const m = tf.moments(x, -1, true); return [m.mean, m.variance]; }, [f([2, 5, 8])]);
  });
});

describe('layout', () => {
  it('reshape, expandDims, squeeze, transpose', async () => {
    await compare((x) => tf.reshape(x, [4, -1]), [f([2, 3, 4])]);
    await compare((x) => tf.expandDims(x, -1), [f([2, 3])]);
    await compare((x) => tf.squeeze(x), [f([1, 3, 1])]);
    await compare((x) => tf.transpose(x, [2, 0, 1]), [f([2, 3, 4])]);
    await compare((x) => tf.transpose(x), [i32([2, 3])]);
    await compare((x) => tf.reshape(x, [0, 5]), [f([0, 5])]);
  });
  it('slice', async () => {
    await compare((x) => tf.slice(x, [1, 0], [2, -1]), [f([4, 5])]);
    await compare((x) => tf.slice(x, [0, 2, 1], [1, 1, 2]), [f([2, 3, 4])]);
    await compare((x) => tf.slice(x, [2], [0]), [i32([5])]);
  });
  it('stridedSlice', async () => {
    await compare((x) => tf.stridedSlice(x, [1, 0], [4, 5], [2, 2]), [f([5, 6])]);
    await compare((x) => tf.stridedSlice(x, [4, 5], [0, 0], [-1, -2]), [f([5, 6])]);
    await compare((x) => tf.stridedSlice(x, [0, 1], [0, 3], [1, 1], 1, 0), [f([3, 4])]);
    await compare((x) => tf.stridedSlice(x, [1], [2], [1], 0, 0, 0, 0, 1), [f([3, 4])]);
    await compare((x) => tf.stridedSlice(x, [0, 0, 0], [2, 3, 4], [1, 1, 3]), [f([2, 3, 4])]);
    await compare((x) => tf.stridedSlice(x, [0], [1], [1], 0, 0, 0, 1), [f([3])]);
  });
  it('concat, stack, unstack, split', async () => {
    await compare((a, b) => tf.concat([a, b], 1), [f([2, 3]), f([2, 4])]);
    await compare((a, b) => tf.concat([a, b], -1), [f([2, 0]), f([2, 4])]);
    await compare((a, b, c) => tf.concat([a, b, c], 0), [i32([1, 2]), i32([2, 2]), i32([3, 2])]);
    await compare((a) => tf.concat([a], 0), [f([3])]);
    await compare((a, b) => tf.stack([a, b], 2), [f([2, 3]), f([2, 3])]);
    await compare((a, b) => tf.stack([a, b], -1), [i32([4]), i32([4])]);
    await compare((a) => tf.unstack(a, 1), [f([2, 3, 2])]);
    await compare((a) => tf.split(a, 2, 1), [f([3, 4])]);
    await compare((a) => tf.split(a, [1, -1, 2], 0), [f([6, 2])]);
  });
  it('pad, tile, reverse, broadcastTo', async () => {
    await compare((x) => tf.pad(x, [[1, 2], [0, 3]], 0.5), [f([2, 3])]);
    await compare((x) => tf.pad(x, [[2, 0], [0, 0], [1, 1]]), [f([1, 2, 3])]);
    await compare((x) => tf.pad(x, [[1, 1]]), [i32([3])]);
    await compare((x) => tf.tile(x, [2, 3]), [f([2, 3])]);
    await compare((x) => tf.tile(x, [3]), [i32([2])]);
    await compare((x) => tf.reverse(x, [0, -1]), [f([2, 3, 4])]);
    await compare((x) => tf.broadcastTo(x, [2, 3, 4]), [f([3, 1])]);
    await compare((x) => tf.broadcastTo(x, [2, 3, 4]), [f([3, 1])], 1, 1e-5, (x) => tf.engine().runKernel('BroadcastTo', { x }, { shape: [2, 3, 4], inputShape: [3, 1] }) as T);
  });
  it('fill, zerosLike, onesLike, range, oneHot', async () => {
    await compare(() => tf.fill([2, 3], 1.5), []);
    await compare(() => tf.fill([3], 7, 'int32'), []);
    await compare((x) => tf.zerosLike(x), [f([2, 3])]);
    await compare((x) => tf.onesLike(x), [i32([2, 3])]);
    await compare(() => tf.range(0, 10, 3), []);
    await compare(() => tf.range(5, 0, -1.5), []);
    await compare(() => tf.range(1, 8, 2, 'int32'), []);
    await compare((x) => tf.oneHot(x, 4), [i32([2, 3], -1, 4)]);
    await compare((x) => tf.oneHot(x, 5, 2, -1), [i32([6], 0, 4)]);
  });
  it('gather and its gradient (unsortedSegmentSum)', async () => {
    await compare((x, i) => tf.gather(x, i), [f([5, 3]), i32([2, 4], 0, 4)]);
    await compare((x, i) => tf.gather(x, i, 1), [f([2, 5, 3]), i32([4], 0, 4)]);
    await compare((x, i) => tf.gather(x, i, 0), [i32([5]), i32([3], 0, 4)]);
    await compare((x, i) => tf.grad((y: T) => tf.gather(y, i).mul(2).sum())(x), [f([5, 3]), i32([2, 4], 0, 4)]);
    await compare((x, i) => tf.unsortedSegmentSum(x, i as tf.Tensor1D, 4), [f([6, 2]), i32([6], 0, 3)]);
  });
  it('where (select), topk', async () => {
    await compare((c, a, b) => tf.where(c, a, b), [b8([3, 4]), f([3, 4]), f([3, 4])]);
    await compare((c, a, b) => tf.where(c, a, b), [b8([2, 1]), f([3]), f([2, 3])]);
    await compare((c, a, b) => tf.where(c, a, b), [b8([4]), i32([4]), i32([4])]);
    await compare((x) => { const r = tf.topk(x, 3); return [r.values, r.indices]; }, [f([2, 10])]);
  });
  it('clone / identity', async () => {
    await compare((x) => tf.clone(x), [f([2, 2])]);
  });
});

describe('matMul and convolutions', () => {
  it('matMul with transposes and batch (incl. broadcasting batch)', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = ta ? [7, 5] : [5, 7];
      const b = tb ? [3, 7] : [7, 3];
      await compare((x, y) => tf.matMul(x, y, ta, tb), [f(a), f(b)]);
      await compare((x, y) => tf.matMul(x, y, ta, tb), [f([4, ...a]), f([4, ...b])]);
    }
    await compare((x, y) => tf.matMul(x, y), [f([2, 3, 4, 5]), f([1, 1, 5, 2])]);
    await compare((x, y) => tf.matMul(x, y), [f([0, 4]), f([4, 3])]);
    await compare((x, y) => tf.matMul(x, y), [f([1, 1]), f([1, 1])]);
    await compare((x, y) => tf.matMul(x, y), [i32([2, 3]), i32([3, 2])]);
  });
  it('fused matMul with bias and activation', async () => {
    await compare((x, y, b) => tf.fused.matMul({ a: x, b: y, bias: b, activation: 'relu' }), [f([4, 5]), f([5, 3]), f([3])]);
    await compare((x, y) => tf.fused.matMul({ a: x, b: y, transposeB: true, activation: 'sigmoid' }), [f([4, 5]), f([3, 5])]);
  });
  const convCases: { x: [number, number, number, number]; w: [number, number, number, number]; strides: number; pad: 'same' | 'valid'; dil: number }[] = [
    { x: [2, 1, 20, 6], w: [1, 3, 6, 4], strides: 1, pad: 'same', dil: 1 },
    { x: [2, 1, 20, 6], w: [1, 3, 6, 4], strides: 1, pad: 'same', dil: 3 },
    { x: [2, 1, 30, 6], w: [1, 3, 6, 4], strides: 1, pad: 'valid', dil: 9 },
    { x: [1, 5, 7, 3], w: [2, 2, 3, 2], strides: 1, pad: 'same', dil: 2 },
    { x: [2, 8, 9, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same', dil: 1 },
    { x: [1, 7, 7, 2], w: [3, 2, 2, 2], strides: 2, pad: 'valid', dil: 1 },
    { x: [3, 1, 1, 4], w: [1, 1, 4, 6], strides: 1, pad: 'valid', dil: 1 },
  ];
  it('conv2d forward (strides, SAME/VALID, dilations)', async () => {
    for (const c of convCases) {
      await compare((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dil), [f(c.x), f(c.w)]);
    }
    await compare((x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same', 'NWC', 2), [f([2, 11, 3]), f([3, 3, 4])]);
  });
  it('conv2d gradients at dilation 1 (tfjs grads) and conv2dTranspose', async () => {
    for (const c of convCases.filter((k) => k.dil === 1)) {
      await compare(
        (x, w, dy) => {
          const g = tf.grads((a: T, b: T) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).mul(dy).sum());
          return g([x, w]);
        },
        [f(c.x), f(c.w), f(tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.w) as tf.Tensor4D, c.strides, c.pad)).shape as number[])],
      );
    }
    await compare((x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 10, 4, 2], [2, 1], 'same'), [f([1, 5, 4, 3]), f([1, 3, 2, 3])]);
  });
  it('Conv2DBackpropInput / Conv2DBackpropFilter with dilations, against the tap-sum reference', async () => {
    // The cpu backend cannot differentiate dilated convs; compare the native kernels on torch with
    // an explicit tap sum (pad, shifted slices, matMul) differentiated by tfjs on cpu.
    await tf.setBackend('torch');
    const B = 2, L = 17, C = 3, O = 4, k = 3;
    for (const dil of [1, 2, 5]) {
      for (const causal of [false, true]) {
        const r = () => tf.randomUniform([B, L, C], -1, 1, 'float32', 7);
        const xv = r().dataSync();
        const wv = tf.randomUniform([k, C, O], -1, 1, 'float32', 8).dataSync();
        const dyv = tf.randomUniform([B, L, O], -1, 1, 'float32', 9).dataSync();
        const left = causal ? (k - 1) * dil : dil;
        const right = causal ? 0 : dil;
        const tapSum = (x: T, w: T) => {
          const xp = tf.pad(x, [[0, 0], [left, right], [0, 0]]);
          const taps = [0, 1, 2].map((t) => tf.slice(xp, [0, t * dil, 0], [B, L, C]));
          return tf.matMul(tf.concat(taps, 2).reshape([B * L, k * C]), w.reshape([k * C, O])).reshape([B, L, O]);
        };
        await tf.setBackend('cpu');
        const [refDx, refDw] = tf.grads((x: T, w: T) => tapSum(x, w).mul(tf.tensor(dyv, [B, L, O])).sum())([
          tf.tensor(xv, [B, L, C]),
          tf.tensor(wv, [k, C, O]),
        ]);
        const refY = tapSum(tf.tensor(xv, [B, L, C]), tf.tensor(wv, [k, C, O]));
        const want = [refY.dataSync(), refDx.dataSync(), refDw.dataSync()];
        await tf.setBackend('torch');
        const x4 = tf.tensor(xv, [B, 1, L, C]);
        const xPad = tf.pad(x4, [[0, 0], [0, 0], [left, right], [0, 0]]);
        const w4 = tf.tensor(wv, [1, k, C, O]);
        const dy4 = tf.tensor(dyv, [B, 1, L, O]);
        const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, dil] };
        const y = tf.engine().runKernel('Conv2D', { x: xPad, filter: w4 }, attrs as never) as T;
        const dxPad = tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: w4 }, { ...attrs, inputShape: xPad.shape } as never) as T;
        const dx = tf.slice(dxPad, [0, 0, left, 0], [B, 1, L, C]);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xPad, dy: dy4 }, { ...attrs, filterShape: w4.shape } as never) as T;
        // Same with explicit asymmetric padding handled inside the kernels.
        const explicit = { ...attrs, pad: [[0, 0], [0, 0], [left, right], [0, 0]] };
        const y2 = tf.engine().runKernel('Conv2D', { x: x4, filter: w4 }, explicit as never) as T;
        const dx2 = tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: w4 }, { ...explicit, inputShape: x4.shape } as never) as T;
        const dw2 = tf.engine().runKernel('Conv2DBackpropFilter', { x: x4, dy: dy4 }, { ...explicit, filterShape: w4.shape } as never) as T;
        for (const k2 of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) seenKernels.add(k2);
        const gotAll = [[y, dx, dw], [y2, dx2, dw2]];
        for (const got of gotAll) {
          got.forEach((t, n) => {
            const g = t.dataSync();
            expect(g.length).toBe(want[n].length);
            for (let q = 0; q < g.length; q++) expect(Math.abs(g[q] - want[n][q])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[n][q])));
          });
        }
      }
    }
    await tf.setBackend('cpu');
  });
});

// vcpipe's fused kernels (src/models/layers.ts, src/models/adam.ts) have no cpu twin: each is
// compared with the composed tfjs ops it replaces.
describe('fused kernels against their composed forms', () => {
  const EPS = 1e-5;
  const composedLn = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), g), b);
  };
  /** LayerNorm statistics over the last axis as the fused kernels keep them: [mean, 1/sqrt(var + eps)]. */
  const lnStats = (t: tf.Tensor) => {
    const { mean, variance } = tf.moments(t, -1, true);
    return [mean, tf.div(1, tf.sqrt(tf.add(variance, EPS)))];
  };
  const lnSpecs = [{ shape: [3, 5, 7] }, { shape: [7], lo: 0.5, hi: 1.5 }, { shape: [7] }];

  it('TorchLayerNorm: y, mean and 1/sqrt(var + eps) over the last axis', async () => {
    await compare(
      (x, g, b) => [composedLn(x, g, b), ...lnStats(x)],
      lnSpecs, 11, 1e-4,
      (x, g, b) => tf.engine().runKernel('TorchLayerNorm', { x, gamma: g, beta: b }, { epsilon: EPS }) as tf.Tensor[],
    );
  });

  it('TorchLayerNormGrad: dx, dgamma, dbeta of the composed LayerNorm', async () => {
    await compare(
      (dy, x, g, b) => tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(composedLn(a, gg, bb), dy)))([x, g, b]),
      [{ shape: [3, 5, 7] }, ...lnSpecs], 12, 1e-4,
      (dy, x, g, b) => {
        const [, mean, rstd] = tf.engine().runKernel('TorchLayerNorm', { x, gamma: g, beta: b }, { epsilon: EPS }) as tf.Tensor[];
        return tf.engine().runKernel('TorchLayerNormGrad', { dy, x, mean, rstd, gamma: g }, {}) as tf.Tensor[];
      },
    );
  });

  // Highway layer HC and conv layer C: tap-sum conv + bias, then LN on each half and a sigmoid gate
  // (HC) or LN and an optional ReLU (C); an optional dropout mask.
  const B = 2, L = 9, C = 4;
  /** Tap-sum conv of channels-last x [B, L, C] to `cout` channels, plus bias; causal or same padding. */
  const composedConv = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, k: number, dilation: number, causal: boolean, cout: number) => {
    const total = (k - 1) * dilation;
    const left = causal ? total : total / 2;
    const xp = tf.pad(x, [[0, 0], [left, total - left], [0, 0]]);
    const taps = Array.from({ length: k }, (_, j) => tf.slice(xp, [0, j * dilation, 0], [B, L, C]));
    const cols = tf.concat(taps, 2).reshape([B * L, k * C]) as tf.Tensor2D;
    return tf.add(tf.matMul(cols, kernel.reshape([k * C, cout]) as tf.Tensor2D).reshape([B, L, cout]), bias);
  };
  const composedHighway = (k: number, dilation: number, causal: boolean) =>
    (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, g1: tf.Tensor, b1: tf.Tensor, g2: tf.Tensor, b2: tf.Tensor, mask?: tf.Tensor) => {
      const h = composedConv(x, kernel, bias, k, dilation, causal, 2 * C);
      const [h1, h2] = tf.split(h, 2, 2);
      const g = tf.sigmoid(composedLn(h1, g1, b1));
      const v = composedLn(h2, g2, b2);
      const y = tf.add(x, tf.mul(g, tf.sub(v, x)));
      return { y: mask ? tf.mul(y, mask) : y, h, g, v, stats: [...lnStats(h1), ...lnStats(h2)] };
    };
  const hwSpecs = (k: number) => [
    { shape: [B, L, C] }, { shape: [k, C, 2 * C], lo: -0.5, hi: 0.5 }, { shape: [2 * C] },
    { shape: [C], lo: 0.5, hi: 1.5 }, { shape: [C] }, { shape: [C], lo: 0.5, hi: 1.5 }, { shape: [C] },
  ];
  const hwInputs = (t: tf.Tensor[]) => ({ x: t[0], kernel: t[1], bias: t[2], gamma1: t[3], beta1: t[4], gamma2: t[5], beta2: t[6], ...(t[7] ? { mask: t[7] } : {}) });
  const geometries = [[3, 3, true], [3, 1, false], [3, 9, false], [1, 1, false]] as const;

  it('TorchHighway: output and kept h, g, v, LN statistics (causal and same, k 3 and 1, with and without a mask)', async () => {
    for (const [k, dilation, causal] of geometries) {
      for (const masked of [false, true]) {
        const geo = { k, dilation, causal };
        await compare(
          (...t) => {
            const r = composedHighway(k, dilation, causal)(...(t as [T, T, T, T, T, T, T, T?]));
            return [r.y, r.h, r.g, r.v, ...r.stats];
          },
          [...hwSpecs(k), ...(masked ? [{ shape: [B, L, C], lo: 0, hi: 2 }] : [])], 14, 1e-4,
          (...t) => tf.engine().runKernel('TorchHighway', hwInputs(t), { ...geo, epsilon: EPS }) as tf.Tensor[],
        );
      }
    }
  });

  it('TorchHighwayGrad: gradients of the input and all six parameters of the composed layer, from the forward kernel\'s context', async () => {
    for (const [k, dilation, causal] of geometries) {
      for (const masked of [false, true]) {
        const geo = { k, dilation, causal };
        await compare(
          (dy, ...t) => tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(composedHighway(k, dilation, causal)(...(p as [T, T, T, T, T, T, T]), t[7]).y, dy)))(t.slice(0, 7)),
          [{ shape: [B, L, C] }, ...hwSpecs(k), ...(masked ? [{ shape: [B, L, C], lo: 0, hi: 2 }] : [])], 15, 1e-4,
          (dy, ...t) => {
            const [, context] = tf.engine().runKernel('TorchHighway', hwInputs(t), { ...geo, epsilon: EPS, keep: true }) as tf.Tensor[];
            return tf.engine().runKernel('TorchHighwayGrad', { dy, context }, geo) as tf.Tensor[];
          },
        );
      }
    }
  });

  const composedConvLayer = (k: number, dilation: number, causal: boolean, relu: boolean, cout: number) =>
    (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mask?: tf.Tensor) => {
      const h = composedConv(x, kernel, bias, k, dilation, causal, cout);
      const a = composedLn(h, gamma, beta);
      const act = relu ? tf.relu(a) : a;
      return { y: mask ? tf.mul(act, mask) : act, h, a, stats: lnStats(h) };
    };
  const convLayerCases = [[1, 1, true, true, 7], [1, 1, false, false, 3], [3, 3, true, true, 5], [3, 1, false, false, 4]] as const;
  const convSpecs = (k: number, cout: number, masked: boolean) => [
    { shape: [B, L, C] }, { shape: [k, C, cout], lo: -0.5, hi: 0.5 }, { shape: [cout] }, { shape: [cout], lo: 0.5, hi: 1.5 }, { shape: [cout] },
    ...(masked ? [{ shape: [B, L, cout], lo: 0, hi: 2 }] : []),
  ];
  const convInputs = (t: tf.Tensor[]) => ({ x: t[0], kernel: t[1], bias: t[2], gamma: t[3], beta: t[4], ...(t[5] ? { mask: t[5] } : {}) });

  it('TorchConvLayer: output and kept h, LN output and statistics (k 1 and 3, ReLU or none, with and without a mask)', async () => {
    for (const [k, dilation, causal, relu, cout] of convLayerCases) {
      for (const masked of [false, true]) {
        await compare(
          (...t) => {
            const r = composedConvLayer(k, dilation, causal, relu, cout)(...(t as [T, T, T, T, T, T?]));
            return [r.y, r.h, r.a, ...r.stats];
          },
          convSpecs(k, cout, masked), 17, 1e-4,
          (...t) => tf.engine().runKernel('TorchConvLayer', convInputs(t), { k, dilation, causal, relu, epsilon: EPS }) as tf.Tensor[],
        );
      }
    }
  });

  it('TorchConvLayerGrad: gradients of the input and all four parameters of the composed layer, from the forward kernel\'s context', async () => {
    for (const [k, dilation, causal, relu, cout] of convLayerCases) {
      for (const masked of [false, true]) {
        const geo = { k, dilation, causal, relu };
        await compare(
          (dy, ...t) => tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(composedConvLayer(k, dilation, causal, relu, cout)(...(p as [T, T, T, T, T]), t[5]).y, dy)))(t.slice(0, 5)),
          [{ shape: [B, L, cout] }, ...convSpecs(k, cout, masked)], 18, 1e-4,
          (dy, ...t) => {
            const [, context] = tf.engine().runKernel('TorchConvLayer', convInputs(t), { ...geo, epsilon: EPS, keep: true }) as tf.Tensor[];
            return tf.engine().runKernel('TorchConvLayerGrad', { dy, context }, geo) as tf.Tensor[];
          },
        );
      }
    }
  });

  it('TorchDropoutMask: the mulberry32 stream from a given state, thresholded at p', async () => {
    // Reference: mulberry32 written out here (vcpipe's Rng.dropoutMask draws the same stream).
    const mask = (state: number, n: number, p: number) => {
      const out = new Float32Array(n);
      let s = state >>> 0;
      for (let i = 0; i < n; i++) {
        let t = (s = (s + 0x6d2b79f5) >>> 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 >= p ? 1 / (1 - p) : 0;
      }
      return out;
    };
    for (const [state, shape, p] of [[0, [3, 5, 7], 0.05], [4294967295, [1000], 0.5], [123456789, [2, 0, 3], 0.3], [7, [1], 0.999]] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      await compare(
        () => tf.tensor(mask(state, n, p), [...shape]),
        [], 16, 0,
        () => tf.engine().runKernel('TorchDropoutMask', {}, { state, shape, p }) as tf.Tensor,
      );
    }
  });

  it('TorchAdam: the clipped Adam update of several variables and their clipped gradients\' squared norm', async () => {
    const a = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, lr: 0.01, clip: 1 };
    const shapes = [[4, 6], [70000], [1], [0, 3]]; // one above the parallel grain, a size-1 and an empty variable
    const n = shapes.length;
    const specs = [
      ...shapes.map((shape) => ({ shape })),
      ...shapes.map((shape) => ({ shape, lo: -0.1, hi: 0.1 })),
      ...shapes.map((shape) => ({ shape, lo: 0, hi: 0.01 })),
      ...shapes.map((shape) => ({ shape, lo: -3, hi: 3 })),
    ];
    await compare(
      (...x) => {
        const outs: tf.Tensor[][] = [[], [], []];
        const sq: tf.Tensor[] = [];
        for (let k = 0; k < n; k++) {
          const [theta, m, v, g] = [x[k], x[n + k], x[2 * n + k], x[3 * n + k]];
          const gc = tf.clipByValue(g, -a.clip, a.clip);
          const m1 = tf.add(tf.mul(m, a.beta1), tf.mul(gc, 1 - a.beta1));
          const v1 = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(gc), 1 - a.beta2));
          outs[0].push(tf.sub(theta, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), a.epsilon)), a.lr)));
          outs[1].push(m1);
          outs[2].push(v1);
          sq.push(tf.sum(tf.square(gc)));
        }
        return [...outs.flat(), tf.addN(sq)];
      },
      specs, 13, 1e-5,
      (...x) => tf.engine().runKernel('TorchAdam', x as unknown as tf.NamedTensorMap, a) as tf.Tensor[],
    );
  });
});

afterAll(() => {
  // Every kernel the backend registers must have been exercised against cpu above.
  const missing = torchKernelNames().filter((k) => !seenKernels.has(k));
  expect(missing).toEqual([]);
});
