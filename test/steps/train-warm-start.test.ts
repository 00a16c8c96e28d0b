// Warm start (vcpipe watch): a training step whose dataset grew continues the newest checkpoint
// of its earlier build — same weights, same step counter — and trains finetune_steps more.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { StepInterrupted } from '../../src/errors.ts';
import { selectBackend } from '../../src/models/backend.ts';
import { loadTrainedModel } from '../../src/models/load-trained.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

const D16 = { base: 'tiny', e: 16, d: 16 };
const PARAMS = { config: D16, steps: 4, batch_size: 4, validation: 2, checkpoint_every: 2, keep_checkpoints: 10, finetune_steps: 3 };
const modelDoc = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('warm start of a training step', () => {
  it('continues the earlier build on the grown dataset, also after an interruption', async () => {
    const before = makeTempDir('warm-before-');
    await trainText2Mel.run(makeContext(PARAMS, { outDir: before, inputs: { features: writeSyntheticFeatures(makeTempDir('feat-a-'), { utterances: 10 }) } }));
    expect(modelDoc(before)).toMatchObject({ step: 4, speaker: 'synthetic' });

    const grown = writeSyntheticFeatures(makeTempDir('feat-b-'), { utterances: 13 });
    const after = makeTempDir('warm-after-');
    const ctx = { ...makeContext(PARAMS, { outDir: after, inputs: { features: grown } }), warmStart: before };
    await trainText2Mel.run(ctx);
    expect(ctx.logs.join('\n')).toMatch(/warm start from .* \(step 4\); training to step 7/);
    expect(modelDoc(after).step).toBe(4 + 3);
    // Its first checkpoint holds exactly the weights it started from.
    const start = loadTrainedModel(after, 4);
    const source = loadTrainedModel(before, 'latest');
    for (const [name, v] of source.model.store.vars) expect(Array.from(start.model.store.get(name).dataSync()), name).toEqual(Array.from(v.dataSync()));
    start.model.store.dispose();
    source.model.store.dispose();

    // Interrupted right after the warm start, then resumed: it still trains to step 7, not to `steps`.
    const again = makeTempDir('warm-again-');
    const first = { ...makeContext(PARAMS, { outDir: again, inputs: { features: grown } }), warmStart: before };
    first.abort.abort();
    await expect(trainText2Mel.run(first)).rejects.toBeInstanceOf(StepInterrupted);
    const resumed = { ...makeContext(PARAMS, { outDir: again, inputs: { features: grown } }), warmStart: before };
    await trainText2Mel.run(resumed);
    expect(resumed.logs.join('\n')).toMatch(/resumed from checkpoints\/step-0000004 \(step 4\)/);
    expect(modelDoc(again).step).toBe(7);
  });
});
