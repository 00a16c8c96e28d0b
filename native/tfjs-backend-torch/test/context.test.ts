// A fused layer's context (the tensors its forward kernel keeps for the gradient, under one id)
// holds its inputs without copying them: they stay alive, and counted in the backend's native
// bytes, after tfjs disposes the input tensors, and go when the context is disposed.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupTorch, tf } from './helpers.ts';
import { torchNativeMemory } from '../src/index.ts';

beforeAll(async () => {
  await setupTorch(1);
  await tf.setBackend('torch');
});

describe('layer contexts', () => {
  it('keep the forward inputs alive and counted until the context is disposed', () => {
    const base = torchNativeMemory().bytes;
    const [b, l, c] = [2, 50, 8];
    const x = tf.randomUniform([b, l, c], -1, 1, 'float32', 1);
    const kernel = tf.randomUniform([3, c, 8], -0.5, 0.5, 'float32', 2);
    const params = { bias: tf.zeros([8]), gamma: tf.ones([8]), beta: tf.zeros([8]) };
    const geo = { k: 3, dilation: 2, causal: true, relu: true };
    const [y, context] = tf.engine().runKernel('TorchConvLayer', { x, kernel, ...params }, { ...geo, epsilon: 1e-5, keep: true }) as tf.Tensor[];
    expect(context.shape).toEqual([]);
    expect(context.dtype).toBe('int32');
    expect(context.dataSync()[0]).toBe(7); // x, kernel, h, a, mean, rstd, gamma
    const dy = tf.onesLike(y);
    const grads = () => tf.tidy(() => (tf.engine().runKernel('TorchConvLayerGrad', { dy, context }, geo) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
    const want = grads();
    tf.dispose([x, kernel, y, ...Object.values(params)]);
    // x (400 floats) and the kernel (192) live on in the context, with h, a and the statistics.
    expect(torchNativeMemory().bytes - base).toBeGreaterThanOrEqual(4 * (b * l * c + 3 * c * 8 + 2 * b * l * 8));
    expect(grads()).toEqual(want);
    tf.dispose([context, dy]);
    expect(torchNativeMemory().bytes).toBe(base);
  });
});
