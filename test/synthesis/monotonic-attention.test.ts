// Monotonic attention forcing (§6.2) on hand-made attention inputs: the forced position never
// moves backwards and never advances by more than 2 (window {prev, prev+1, prev+2}).
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { attend } from '../../src/models/attention.ts';
import { ATTENTION_WINDOW, MASKED_SCORE, forcedPosition, windowMask } from '../../src/synthesis/monotonic-attention.ts';
import { useTestBackend } from '../models/helpers.ts';

describe('monotonic attention forcing', () => {
  beforeAll(async () => {
    await useTestBackend();
  });

  it('the mask opens exactly prev … prev+2, clipped at the last text position', () => {
    const m = windowMask([0, 4, 6], 7);
    const open = (b: number) => [...m.subarray(b * 7, b * 7 + 7)].flatMap((v, i) => (v === 0 ? [i] : []));
    expect(open(0)).toEqual([0, 1, 2]);
    expect(open(1)).toEqual([4, 5, 6]);
    expect(open(2)).toEqual([6]);
    expect(m[3]).toBe(MASKED_SCORE);
  });

  it('peaks behind, far ahead or inside the window: the position stays within the window', () => {
    const n = 10;
    const peakAt = (i: number) => Float32Array.from({ length: n }, (_, j) => (j === i ? 0.9 : 0.1 / (n - 1)));
    expect(forcedPosition(peakAt(1), 4, n)).toBeGreaterThanOrEqual(4); // backwards peak ignored
    expect(forcedPosition(peakAt(9), 4, n)).toBeLessThanOrEqual(4 + ATTENTION_WINDOW - 1); // jump capped
    expect(forcedPosition(peakAt(5), 4, n)).toBe(5);
    expect(forcedPosition(peakAt(6), 4, n)).toBe(6);
    expect(forcedPosition(peakAt(9), 9, n)).toBe(9); // at the end it stays
  });

  it('through the real attention: random scores over 60 frames walk monotonically by ≤ 2', () => {
    const n = 12, d = 4, frames = 60;
    const keys = tf.randomNormal([1, n, d], 0, 3, 'float32', 5) as tf.Tensor3D;
    const values = tf.randomNormal([1, n, d], 0, 1, 'float32', 6) as tf.Tensor3D;
    const queries = tf.randomNormal([frames, 1, d], 0, 3, 'float32', 7);
    let prev = 0;
    const steps: number[] = [];
    for (let t = 0; t < frames; t++) {
      const q = queries.slice([t, 0, 0], [1, 1, d]) as tf.Tensor3D;
      const { alignment } = attend(q, keys, values, tf.tensor3d(windowMask([prev], n), [1, 1, n]));
      const row = alignment.dataSync() as Float32Array;
      // Outside the window the softmax weight is exactly zero.
      row.forEach((v, i) => {
        if (i < prev || i >= prev + ATTENTION_WINDOW) expect(v).toBe(0);
      });
      const next = forcedPosition(row, prev, n);
      expect(next).toBe(row.indexOf(Math.max(...row))); // = plain argmax of the masked attention
      steps.push(next - prev);
      prev = next;
    }
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...steps)).toBeLessThanOrEqual(2);
    expect(prev).toBeGreaterThan(0); // it did move
  });
});
