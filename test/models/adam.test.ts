import { describe, it, expect, beforeAll } from 'vitest';
import { tf, selectBackend } from '../../src/models/backend.ts';
import { Adam } from '../../src/models/adam.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('Adam', () => {
  it('leaves no tensor behind after a step (moments are created once)', () => {
    const vars = new Map([['w', tf.variable(tf.tensor1d([1, 2, 3]))]]);
    const adam = new Adam();
    const step = () => {
      const grads = new Map([['w', tf.tensor1d([0.5, -3, 0])]]);
      adam.step(vars, grads, 0.1);
      for (const g of grads.values()) g.dispose();
    };
    step();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(after1);
  });

  it('clips each gradient to [-1, 1] and reports the clipped global norm', () => {
    const vars = new Map([['w', tf.variable(tf.tensor1d([0, 0]))]]);
    const norm = new Adam().step(vars, new Map([['w', tf.tensor1d([3, -0.5])]]), 0.001);
    expect(norm).toBeCloseTo(Math.sqrt(1 + 0.25), 6);
    // First Adam step moves each weight by about lr against the gradient's sign.
    const w = vars.get('w')!.dataSync();
    expect(w[0]).toBeCloseTo(-0.001, 6);
    expect(w[1]).toBeCloseTo(0.001, 6);
  });
});
