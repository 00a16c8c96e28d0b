import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadRehearsal, rehearsedItems } from '../../src/training/rehearsal.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { selectBackend } from '../../src/models/backend.ts';
import type { TrainParams } from '../../src/training/params.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { readNpy, writeNpy } from '../../src/util/npy.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

const D16 = { base: 'tiny', e: 16, d: 16 };

let own: string;
let base: string;
beforeAll(async () => {
  await selectBackend('wasm');
  own = writeSyntheticFeatures(makeTempDir('own-'), { utterances: 6, seed: 1 });
  base = writeSyntheticFeatures(makeTempDir('base-'), { utterances: 10, seed: 2 });
});

/** A copy of the base features whose every mel and magnitude holds a NaN: a batch that rehearses it has a NaN loss. */
function poisoned(): string {
  const dir = writeSyntheticFeatures(makeTempDir('poison-'), { utterances: 10, seed: 2 });
  for (let u = 0; u < 10; u++) {
    for (const kind of ['mel', 'mag']) {
      const path = join(dir, 'utts', `u${String(u).padStart(3, '0')}.${kind}.npy`);
      const arr = readNpy(path);
      arr.data[0] = Number.NaN;
      writeNpy(path, arr.data, arr.shape);
    }
  }
  return dir;
}

describe('rehearsal', () => {
  it('takes round(share × batch) of each batch, at least 1 and leaving 1, drawn as a pure function of (seed, batch)', () => {
    const inputs = { own, base };
    expect(loadRehearsal(inputs, 'base', 0.25, 16, TINY_FEATURES).perBatch).toBe(4);
    expect(loadRehearsal(inputs, 'base', 0.01, 16, TINY_FEATURES).perBatch).toBe(1);
    expect(loadRehearsal(inputs, 'base', 0.99, 4, TINY_FEATURES).perBatch).toBe(3);
    const r = loadRehearsal(inputs, 'base', 0.5, 8, TINY_FEATURES);
    expect(r.items).toHaveLength(10);
    const ids = (i: number, seed = 3) => rehearsedItems(r, seed, i).map((it) => it.utt.id);
    expect(new Set(ids(0)).size).toBe(4);
    expect(ids(5)).toEqual(ids(5));
    expect([0, 1, 2, 3].map((i) => ids(i).join())).not.toEqual([0, 0, 0, 0].map(() => ids(0).join()));
    expect(ids(0, 4)).not.toEqual(ids(0, 3));
    expect(ids(0).every((id) => readFileSync(join(base, 'features.json'), 'utf8').includes(`"${id}"`))).toBe(true);
  });

  it('refuses a step outside needs, other features, and a batch with no room, each in one line', () => {
    expect(() => loadRehearsal({ own }, 'base', 0.25, 8, TINY_FEATURES)).toThrow("rehearse: 'base' is not among this step's needs (own)");
    expect(() => loadRehearsal({ own, out: makeTempDir('empty-') }, 'out', 0.25, 8, TINY_FEATURES)).toThrow("rehearse: 'out' has no features.json; name a preprocess step");
    expect(() => loadRehearsal({ base }, 'base', 0.25, 8, { ...TINY_FEATURES, text: 'phones' })).toThrow(/^rehearse: 'base' has other features than the data this step trains on/);
    expect(() => loadRehearsal({ base }, 'base', 0.25, 1, TINY_FEATURES)).toThrow('batch_size must be at least 2');
  });

  it('mixes the rehearsed utterances into the Text2Mel and SSRN training batches', async () => {
    const nan = poisoned();
    const p: TrainParams = { config: D16, steps: 2, batch_size: 4, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100 };
    // The poisoned set is in needs and unused: training is finite.
    const ctx = makeContext<TrainParams>(p, { outDir: makeTempDir('plain-'), inputs: { features: own, base: nan } });
    await expect(trainText2Mel.run(ctx)).rejects.toThrow(/several upstream feature sets/);
    // Named by rehearse it is no longer the training data, and every batch draws from it.
    const mixed = makeContext<TrainParams>({ ...p, rehearse: 'base' }, { outDir: makeTempDir('mixed-'), inputs: { features: own, base: nan } });
    await expect(trainText2Mel.run(mixed)).rejects.toThrow(/loss became NaN at step 1/);
    expect(mixed.logs.join('\n')).toContain('rehearse: 1 of each batch\'s 4 utterances from base (10 utterances)');
    const ssrn = makeContext<TrainParams>({ ...p, config: 'tiny', rehearse: 'base', rehearse_share: 0.5 }, { outDir: makeTempDir('mixed-ssrn-'), inputs: { features: own, base: nan } });
    await expect(trainSsrn.run(ssrn)).rejects.toThrow(/loss became NaN at step 1/);
    // Clean rehearsal data trains to the budget.
    const clean = makeContext<TrainParams>({ ...p, rehearse: 'base' }, { outDir: makeTempDir('clean-'), inputs: { features: own, base } });
    await trainText2Mel.run(clean);
    const metrics = readFileSync(join(clean.outDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.at(-1).step).toBe(2);
    expect(Number.isFinite(metrics.at(-1).loss)).toBe(true);
  });
});
