import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { tapSumConv, nativeConv, transposedConv2x } from '../../src/models/conv.ts';
import { matmul } from '../../src/models/matmul.ts';
import { useTestBackend, maxAbsDiff } from './helpers.ts';

beforeAll(useTestBackend);

describe('tap-sum conv', () => {
  for (const mode of ['causal', 'same'] as const) {
    for (const dilation of [1, 3, 9, 27]) {
      it(`equals tf.conv1d forward, ${mode}, δ=${dilation}`, () => {
        const x = tf.randomNormal([2, 40, 6], 0, 1, 'float32', 1) as tf.Tensor3D;
        const w = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 2) as tf.Tensor3D;
        const spec = { k: 3, dilation, mode };
        const a = tapSumConv(x, w, spec);
        const b = nativeConv(x, w, spec);
        expect(a.shape).toEqual([2, 40, 5]);
        expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      });
    }
  }

  it('is causal: output at t ignores inputs after t', () => {
    const x = tf.randomNormal([1, 30, 4], 0, 1, 'float32', 3) as tf.Tensor3D;
    const w = tf.randomNormal([3, 4, 4], 0, 1, 'float32', 4) as tf.Tensor3D;
    const spec = { k: 3, dilation: 9, mode: 'causal' as const };
    const changed = tf.concat([x.slice([0, 0, 0], [1, 20, 4]), tf.randomNormal([1, 10, 4])], 1) as tf.Tensor3D;
    expect(maxAbsDiff(tapSumConv(x, w, spec).slice([0, 0, 0], [1, 20, 4]), tapSumConv(changed, w, spec).slice([0, 0, 0], [1, 20, 4]))).toBe(0);
  });

  it('gradients equal those of tf.conv1d at δ=1 (cpu has the conv gradient)', async () => {
    const x = tf.randomNormal([2, 12, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
    const w = tf.randomNormal([3, 3, 4], 0, 1, 'float32', 6) as tf.Tensor3D;
    const spec = { k: 3, dilation: 1, mode: 'same' as const };
    const gTap = tf.grads((a, b) => tf.sum(tf.square(tapSumConv(a as tf.Tensor3D, b as tf.Tensor3D, spec))))([x, w]);
    const prev = tf.getBackend();
    await tf.setBackend('cpu');
    const xc = tf.tensor(x.dataSync(), x.shape) as tf.Tensor3D;
    const wc = tf.tensor(w.dataSync(), w.shape) as tf.Tensor3D;
    const gNat = tf.grads((a, b) => tf.sum(tf.square(nativeConv(a as tf.Tensor3D, b as tf.Tensor3D, spec))))([xc, wc]).map((g) => g.dataSync());
    await tf.setBackend(prev);
    for (let i = 0; i < 2; i++) {
      const d = gTap[i].dataSync();
      for (let j = 0; j < d.length; j++) expect(d[j]).toBeCloseTo(gNat[i][j], 3);
    }
  });
});

describe('matmul with explicit-transpose gradient', () => {
  it('gives the same gradients as tf.matMul', () => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 7) as tf.Tensor2D;
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 8) as tf.Tensor2D;
    const g1 = tf.grads((p, q) => tf.sum(tf.square(matmul(p as tf.Tensor2D, q as tf.Tensor2D))))([a, b]);
    const g2 = tf.grads((p, q) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))))([a, b]);
    expect(maxAbsDiff(g1[0], g2[0])).toBeLessThan(1e-4);
    expect(maxAbsDiff(g1[1], g2[1])).toBeLessThan(1e-4);
  });
});

describe('transposed conv ×2', () => {
  it('equals out[2m] = x[m]W0 + x[m−1]W2 + b, out[2m+1] = x[m]W1 + b', () => {
    const [B, L, C, O] = [2, 5, 3, 4];
    const x = tf.randomNormal([B, L, C], 0, 1, 'float32', 9) as tf.Tensor3D;
    const w = tf.randomNormal([3, C, O], 0, 1, 'float32', 10) as tf.Tensor3D;
    const bias = tf.randomNormal([O], 0, 1, 'float32', 11) as tf.Tensor1D;
    const y = transposedConv2x(x, w, bias);
    expect(y.shape).toEqual([B, 2 * L, O]);
    const xs = x.arraySync(), ws = w.arraySync(), bs = bias.arraySync(), ys = y.arraySync();
    for (let b = 0; b < B; b++) for (let m = 0; m < L; m++) for (let o = 0; o < O; o++) {
      let even = bs[o], odd = bs[o];
      for (let c = 0; c < C; c++) {
        even += xs[b][m][c] * ws[0][c][o] + (m > 0 ? xs[b][m - 1][c] * ws[2][c][o] : 0);
        odd += xs[b][m][c] * ws[1][c][o];
      }
      expect(ys[b][2 * m][o]).toBeCloseTo(even, 4);
      expect(ys[b][2 * m + 1][o]).toBeCloseTo(odd, 4);
    }
  });
});
