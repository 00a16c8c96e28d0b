import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/models/backend.ts';
import { Adam } from '../../src/models/adam.ts';
import { VarStore } from '../../src/models/layers.ts';
import { bestCheckpoint, listCheckpoints, loadCheckpoint, pruneCheckpoints, saveCheckpoint } from '../../src/models/checkpoint.ts';
import { useTestBackend } from './helpers.ts';

beforeAll(useTestBackend);

function store(seed: number): VarStore {
  const s = new VarStore();
  s.add('Net/C_1/kernel', tf.randomNormal([3, 2, 4], 0, 1, 'float32', seed));
  s.add('Net/C_1/bias', tf.randomNormal([4], 0, 1, 'float32', seed + 1));
  return s;
}

describe('checkpoints', () => {
  it('round-trip weights, Adam moments and t exactly', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const a = store(1);
    const adam = new Adam();
    adam.step(a.vars, new Map([...a.vars].map(([n, v]) => [n, tf.mul(v, 0.3)])), 1e-2);
    saveCheckpoint(root, 7, a.vars, adam, { rng: { seed: 1, step: 7 }, valLoss: 0.5 });
    const b = store(9);
    const adam2 = new Adam();
    const m = loadCheckpoint(listCheckpoints(root)[0].dir, b.vars, adam2);
    expect(m.step).toBe(7);
    expect(m.rng).toEqual({ seed: 1, step: 7 });
    expect(adam2.t).toBe(1);
    for (const [n, v] of a.vars) {
      expect(Array.from(b.get(n).dataSync())).toEqual(Array.from(v.dataSync()));
      expect(Array.from(adam2.m.get(n)!.dataSync())).toEqual(Array.from(adam.m.get(n)!.dataSync()));
      expect(Array.from(adam2.v.get(n)!.dataSync())).toEqual(Array.from(adam.v.get(n)!.dataSync()));
    }
  });

  it('ignores incomplete directories and keeps the last K plus the best on validation loss', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const s = store(2);
    const losses = [0.9, 0.2, 0.7, 0.6, 0.8];
    losses.forEach((loss, i) => saveCheckpoint(root, (i + 1) * 10, s.vars, null, { rng: {}, valLoss: loss }));
    mkdirSync(join(root, 'step-0000060'));
    writeFileSync(join(root, 'step-0000060', 'weights.bin'), 'torn');
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([10, 20, 30, 40, 50]);
    expect(bestCheckpoint(root)!.step).toBe(20);
    pruneCheckpoints(root, 2);
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([20, 40, 50]);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('names the tensor and both shapes on an architecture mismatch', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    saveCheckpoint(root, 1, store(3).vars, null, { rng: {}, valLoss: null });
    const other = new VarStore();
    other.add('Net/C_1/kernel', tf.zeros([3, 2, 5]));
    other.add('Net/C_1/bias', tf.zeros([5]));
    expect(() => loadCheckpoint(listCheckpoints(root)[0].dir, other.vars, null)).toThrow(/Net\/C_1\/kernel has shape \[3, 2, 4\] but the model expects \[3, 2, 5\]/);
  });
});
