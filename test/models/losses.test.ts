import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { binaryDivergence, guidedAttentionWeights, guidedAttentionLoss, l1Loss } from '../../src/models/losses.ts';
import { noamLearningRate } from '../../src/models/schedule.ts';
import { isFrozen } from '../../src/models/freeze.ts';
import { useTestBackend } from './helpers.ts';

beforeAll(useTestBackend);

describe('Noam learning rate (§5.1 examples, η0 1e-3, warm-up 4000)', () => {
  it.each([
    [0, 2.5e-7], [3999, 1e-3], [15999, 5e-4], [99999, 2e-4], [399999, 1e-4], [1999999, 4.47e-5],
  ])('step %i → %f', (step, lr) => {
    expect(noamLearningRate(step, 1e-3, 4000)).toBeCloseTo(lr, lr < 1e-6 ? 12 : 7);
  });
});

describe('guided attention', () => {
  it('REF fixed grid: W[0,0] = 0, W[179,0] = 0.9999957', () => {
    const { weights, mask } = guidedAttentionWeights([180], [210], 180, 210, 0.2, { maxN: 180, maxT: 210 });
    // layout [B, T', N]: (t, n) at t·N + n
    expect(weights[0]).toBe(0);
    expect(weights[179]).toBeCloseTo(1 - Math.exp(-((179 / 180) ** 2) / 0.08), 6);
    expect(weights[179]).toBeCloseTo(0.9999957, 6);
    expect(mask.every((v) => v === 1)).toBe(true);
  });

  it('REF grid cuts a batch larger than max_N × max_T and averages over the cut', () => {
    const { mask } = guidedAttentionWeights([5], [5], 5, 5, 0.2, { maxN: 3, maxT: 4 });
    expect(mask.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('per-utterance form uses each item\'s own N and T\' over the padded rectangle', () => {
    // item 0: N=4, T'=8; batch rectangle N_b=6, T'_b=10.
    const { weights } = guidedAttentionWeights([4, 6], [8, 10], 6, 10, 0.2);
    const w = (b: number, t: number, n: number) => weights[(b * 10 + t) * 6 + n];
    expect(w(0, 4, 2)).toBe(0); // 2/4 = 4/8: on the diagonal
    expect(w(0, 0, 5)).toBeCloseTo(1 - Math.exp(-((5 / 4) ** 2) / 0.08), 6); // padded key, penalised
    expect(w(1, 5, 3)).toBe(0);
  });

  it('loss = mean of A·W', () => {
    const a = tf.fill([1, 2, 2], 0.5) as tf.Tensor3D;
    const loss = guidedAttentionLoss(a, [2], [2], 0.2).dataSync()[0];
    const w01 = 1 - Math.exp(-0.25 / 0.08); // (n=1,t=0) and (n=0,t=1)
    expect(loss).toBeCloseTo((0.5 * 2 * w01) / 4, 6);
  });
});

describe('L1 and binary divergence', () => {
  it('BD equals the naive −z·log σ(x) − (1−z)·log(1−σ(x)) where finite', () => {
    const x = [-5, -1, -0.1, 0, 0.3, 2, 7];
    const z = [0.1, 0.9, 0.5, 1e-8, 1, 0.3, 0.99];
    const naive = x.map((xi, i) => {
      const s = 1 / (1 + Math.exp(-xi));
      return -z[i] * Math.log(s) - (1 - z[i]) * Math.log(1 - s);
    });
    const bd = binaryDivergence(tf.tensor(x), tf.tensor(z)).dataSync()[0];
    expect(bd).toBeCloseTo(naive.reduce((a, b) => a + b, 0) / x.length, 5);
  });

  it('BD stays finite for large logits', () => {
    const bd = binaryDivergence(tf.tensor([200, -200]), tf.tensor([0, 1])).dataSync()[0];
    expect(bd).toBeCloseTo(200, 3);
  });

  it('L1 is the mean absolute error', () => {
    expect(l1Loss(tf.tensor([1, 2, 3]), tf.tensor([1, 0, 4])).dataSync()[0]).toBeCloseTo(1, 6);
  });
});

describe('freeze prefixes', () => {
  it('match whole path components', () => {
    expect(isFrozen('Text2Mel/TextEnc/HC_4/kernel', ['TextEnc'])).toBe(true);
    expect(isFrozen('Text2Mel/AudioDec/HC_7/kernel', ['Text2Mel/AudioDec/HC_7'])).toBe(true);
    expect(isFrozen('Text2Mel/AudioDec/HC_70/kernel', ['Text2Mel/AudioDec/HC_7'])).toBe(false);
    expect(isFrozen('Text2Mel/AudioEnc/HC_4/kernel', ['TextEnc'])).toBe(false);
    expect(isFrozen('SSRN/C_16/bias', ['SSRN'])).toBe(true);
  });
});
