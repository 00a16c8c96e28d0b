// The incremental decoder (§6.3) must reproduce the naive whole-network loop (§6.1) up to float
// rounding, on random weights of a d = 16 model, for a batch of sentences of different lengths.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { Text2Mel } from '../../src/models/text2mel.ts';
import { generateIncremental } from '../../src/synthesis/incremental-decoder.ts';
import { naiveGenerate } from '../../src/synthesis/naive-generate.ts';
import { useTestBackend, TEXT2MEL_D16 } from '../models/helpers.ts';

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('incremental decoder', () => {
  beforeAll(async () => {
    await useTestBackend();
  });

  it('equals the naive loop (max abs difference ≤ 1e-4), batched, with per-sentence lengths', () => {
    // max_N 16 keeps padding positions attendable; 40 frames pass the δ = 27 queues' first wrap.
    const model = new Text2Mel({ ...TEXT2MEL_D16, maxN: 16 }, 7);
    const ids = [
      [5, 10, 2, 20, 3, 14, 2, 9, 30, 1],
      [12, 7, 2, 8, 1],
    ];
    const opts = { maxFrames: 40 };
    const before = tf.memory().numTensors;
    const fast = generateIncremental(model, ids, opts);
    expect(tf.memory().numTensors).toBe(before); // queues, K, V and per-frame tensors all released
    const slow = naiveGenerate(model, ids, opts);
    for (let i = 0; i < ids.length; i++) {
      expect(fast[i].frames).toBe(slow[i].frames);
      expect(fast[i].stoppedBy).toBe(slow[i].stoppedBy);
      expect([...fast[i].positions]).toEqual([...slow[i].positions]);
      expect(maxAbs(fast[i].mel, slow[i].mel)).toBeLessThanOrEqual(1e-4);
      expect(maxAbs(fast[i].alignment, slow[i].alignment)).toBeLessThanOrEqual(1e-4);
      expect(fast[i].mel.length).toBe(fast[i].frames * TEXT2MEL_D16.nMels);
    }
    // A random model never falls silent: every sentence runs to max_frames.
    expect(fast.map((g) => g.frames)).toEqual([40, 40]);
    model.store.dispose();
  });

  it('a sentence that stops early is not recorded further while its batch neighbour goes on', () => {
    const model = new Text2Mel({ ...TEXT2MEL_D16, maxN: 8 }, 3);
    // Threshold 2 makes every frame "silent", so a sentence stops 2 frames after reaching E.
    const out = generateIncremental(model, [[1], [4, 5, 6, 7, 8, 9, 1]], { maxFrames: 30, silenceThreshold: 2 });
    expect(out[0].stoppedBy).toBe('end');
    expect(out[0].frames).toBe(2); // E at position 0 from the start; 2 quiet frames
    expect(out[1].stoppedBy).toBe('end');
    expect(out[1].positions[out[1].frames - 1]).toBeGreaterThanOrEqual(6);
    expect(out[1].frames).toBeGreaterThan(2);
    model.store.dispose();
  });
});
