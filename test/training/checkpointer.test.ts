// The checkpoint observer on a real tiny SSRN: saves every N steps (once per step), prunes,
// records what resuming needs, tells onSaved, and writes model.json.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { Adam } from '../../src/models/adam.ts';
import { listCheckpoints, readManifest } from '../../src/models/checkpoint.ts';
import { SSRN_TINY, withOverrides } from '../../src/models/config.ts';
import { Checkpointer } from '../../src/training/checkpointer.ts';
import { SsrnTask } from '../../src/training/ssrn-task.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const report = (step: number) => ({ step, target: 100, lr: 0.001, values: { loss: 1 }, gradNorm: 1 });

describe('checkpointer', () => {
  it('saves every N steps with the validation loss, dataset and target, keeps the newest, calls onSaved', async () => {
    const out = makeTempDir('checkpointer-');
    const ctx = makeContext({}, { outDir: out });
    const task = new SsrnTask(withOverrides(SSRN_TINY, { c: 16 }), 1, 4, 16);
    const validated: number[] = [];
    const saved: [number, number][] = [];
    const c = new Checkpointer({
      ctx, task, adam: new Adam(), every: 2, keep: 2, seed: 5, dataset: 'fp', target: 100, features: { sample_rate: 16000 }, speaker: 'me',
      validate: async (step) => {
        validated.push(step);
        return { valLoss: 10 - step, metrics: {} };
      },
      lastSaved: -1, onSaved: async (step, n) => void saved.push([step, n]),
    });
    for (let s = 1; s <= 6; s++) await c.afterStep(report(s));
    await c.save(6); // already saved: nothing happens
    await c.save(7);
    expect(saved).toEqual([[2, 1], [4, 2], [6, 3], [7, 4]]);
    expect(validated).toEqual([2, 4, 6, 7]);
    expect(listCheckpoints(c.root).map((x) => x.step)).toEqual([6, 7]);
    const m = readManifest(join(c.root, 'step-0000007'));
    expect(m).toMatchObject({ step: 7, valLoss: 3, rng: { seed: 5, step: 7 }, extra: { dataset: 'fp', target: 100 } });

    c.writeDoc(7);
    const doc = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(doc).toMatchObject({ kind: 'trained-model', network: 'ssrn', speaker: 'me', step: 7, latest: 'checkpoints/step-0000007', best: 'checkpoints/step-0000007', bestValLoss: 3 });
    expect(ctx.artifacts).toEqual([join(out, 'model.json')]);
    expect(c.newestShown()).toBe('checkpoints/step-0000007');
    task.store.dispose();
  });

  it('does not save again the checkpoint a run resumed from; model.json waits for a checkpoint', async () => {
    const out = makeTempDir('checkpointer-resumed-');
    const task = new SsrnTask(withOverrides(SSRN_TINY, { c: 16 }), 1, 4, 16);
    const ctx = makeContext({}, { outDir: out });
    const c = new Checkpointer({
      ctx, task, adam: new Adam(), every: 2, keep: 2, seed: 5, dataset: 'fp', target: 100, features: { sample_rate: 16000 }, speaker: 'me',
      validate: async () => undefined, lastSaved: 4,
    });
    c.writeDoc(4);
    expect(ctx.artifacts).toEqual([]);
    await c.save(4);
    expect(listCheckpoints(c.root)).toEqual([]);
    await c.afterStep(report(5));
    await c.afterStep(report(6));
    expect(listCheckpoints(c.root).map((x) => x.step)).toEqual([6]);
    expect(readManifest(join(c.root, 'step-0000006')).valLoss).toBeNull();
    task.store.dispose();
  });
});
