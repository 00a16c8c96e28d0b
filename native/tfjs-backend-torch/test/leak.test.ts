// No leaks: 200 training steps (tiny Text2Mel, forward + backward + hand-written Adam) on torch
// leave tf.memory().numTensors, the backend's data ids and libtorch's byte count flat.
import { beforeAll, expect, it } from 'vitest';
import { setupTorch, tf } from './helpers.ts';
import { torchNativeMemory } from '../src/index.ts';
import { Adam, T2M_SMALL, Text2Mel, makeBatch, text2melLoss, trainStep } from './tiny-models.ts';

beforeAll(async () => {
  await setupTorch(1); // 1 thread: OpenMP spinning on a loaded 2-core machine costs more than it gains here
  await tf.setBackend('torch');
});

it('200 training steps leave tensor counts and native bytes flat', async () => {
  const model = new Text2Mel(T2M_SMALL, 4);
  const adam = new Adam();
  const batch = makeBatch(2, 6, 8);
  const snap = () => ({
    numTensors: tf.memory().numTensors,
    dataIds: tf.engine().backend.numDataIds(),
    native: torchNativeMemory(),
  });
  const losses: number[] = [];
  // Warm-up: Adam creates its moment variables on the first step.
  for (let s = 0; s < 3; s++) losses.push(trainStep(model.store.vars, adam, () => text2melLoss(model, batch, s)));
  const before = snap();
  for (let s = 3; s < 200; s++) {
    losses.push(trainStep(model.store.vars, adam, () => text2melLoss(model, batch, s)));
    if (s === 100) expect(snap()).toEqual(before);
    if (s % 10 === 0) await new Promise((r) => setImmediate(r)); // let vitest's worker RPC breathe
  }
  const after = snap();
  expect(after).toEqual(before);
  expect(after.native.bytes).toBeGreaterThan(0);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]); // it trains
  model.store.dispose();
  adam.dispose();
  expect(torchNativeMemory().count).toBeLessThan(before.native.count);
}, 600_000);
