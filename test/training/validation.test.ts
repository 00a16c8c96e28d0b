// Validation once per step for all observers, with the task's watchdog after each, on a real
// tiny Text2Mel and synthetic features.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/models/backend.ts';
import { TEXT2MEL_TINY, withOverrides } from '../../src/models/config.ts';
import { splitDataset, type Split } from '../../src/training/dataset.ts';
import { Text2MelTask } from '../../src/training/text2mel-task.ts';
import { ValidationCache } from '../../src/training/validation.ts';
import { UserError } from '../../src/errors.ts';
import { makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

let split: Split;
const config = withOverrides(TEXT2MEL_TINY, { e: 16, d: 16 });
const task = (onNoAlignment: 'warn' | 'stop', warnings: string[] = []) =>
  new Text2MelTask(config, 1, { guidedAttention: 'per_utterance', alignBy: 2, onNoAlignment, warn: (m) => warnings.push(m) });

beforeAll(async () => {
  await selectBackend('wasm');
  split = splitDataset(writeSyntheticFeatures(makeTempDir('validation-feat-'), { utterances: 7 }), { batchSize: 2, validation: 3, seed: 1 }, () => {});
});

describe('validation cache', () => {
  it('validates each step once, over every held-out utterance, and runs the watchdog after', async () => {
    const warnings: string[] = [];
    const t = task('warn', warnings);
    const v = new ValidationCache(t, split.validation, 2);
    const first = await v.at(1);
    expect(first!.valLoss).toBeGreaterThan(0);
    expect(first!.metrics.diagonality).toBeGreaterThan(0);
    expect(first!.alignment!.rows).toBe(split.validation[0].utt.ids.length);
    expect(await v.at(1)).toBe(first); // the same object: not validated again
    expect(warnings).toEqual([]); // step 1 < align_by 2
    const again = await v.at(2);
    expect(again).not.toBe(first);
    expect(again!.valLoss).toBeCloseTo(first!.valLoss, 6); // same weights, no dropout
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^attention is not diagonal by step 2/);
    t.store.dispose();
  });

  it('the watchdog can stop the run from a validation; no held-out utterances: no validation', async () => {
    const t = task('stop');
    await expect(new ValidationCache(t, split.validation, 2).at(5)).rejects.toThrow(UserError);
    expect(await new ValidationCache(t, [], 2).at(5)).toBeUndefined();
    t.store.dispose();
  });
});
