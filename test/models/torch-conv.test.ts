import { describe, it, expect } from 'vitest';
import { selectBackend, tf } from '../../src/models/backend.ts';
import { UserError } from '../../src/steps/contract.ts';
import { convImpl, tapSumConv, torchConv } from '../../src/models/conv.ts';
import { maxAbsDiff } from './helpers.ts';

// The torch backend (native/tfjs-backend-torch) is optional: where its addon loads, its dilated
// conv + custom gradient must equal the tap sum; where it does not, selecting it must say why.
describe('torch conv path', () => {
  it('equals the tap sum forward and backward (or torch reports why it is unavailable)', async () => {
    let loaded = true;
    try {
      await selectBackend('torch-cpu');
    } catch (err) {
      loaded = false;
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^backend torch-cpu unavailable: \S/);
    }
    if (!loaded) return;
    expect(convImpl(tf.getBackend(), { k: 3, dilation: 9, mode: 'causal' }, true)).toBe('torch');
    expect(convImpl(tf.getBackend(), { k: 1, dilation: 1, mode: 'causal' }, true)).toBe('tapsum');
    const x = tf.randomNormal([2, 30, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const w = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
    for (const mode of ['causal', 'same'] as const) {
      for (const dilation of [1, 3, 9, 27]) {
        const spec = { k: 3, dilation, mode };
        expect(maxAbsDiff(tapSumConv(x, w, spec), torchConv(x, w, spec))).toBeLessThan(1e-4);
        const loss = (conv: typeof tapSumConv) => tf.grads((a, b) => tf.sum(tf.square(conv(a as tf.Tensor3D, b as tf.Tensor3D, spec))))([x, w]);
        const [gx1, gw1] = loss(tapSumConv);
        const [gx2, gw2] = loss(torchConv);
        expect(maxAbsDiff(gx1, gx2)).toBeLessThan(1e-3);
        expect(maxAbsDiff(gw1, gw2)).toBeLessThan(1e-3);
      }
    }
  });
});
