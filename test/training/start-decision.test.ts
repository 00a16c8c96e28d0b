// The start decision, table-driven: which weights a training run starts from and the step it
// trains to, for every combination of what is on disk.
import { describe, expect, it } from 'vitest';
import { decideStart, type StartFacts } from '../../src/training/start-decision.ts';
import { UserError } from '../../src/errors.ts';

const base: StartFacts = { network: 'text2mel', steps: 100, finetuneSteps: 30, dataset: 'data-now' };
const own = (step: number, extra: { target?: unknown; dataset?: unknown } = { dataset: 'data-now' }) =>
  ({ checkpoint: `/out/checkpoints/step-${step}`, shown: `checkpoints/step-${step}`, step, ...extra });
const warm = { from: '/cache/entries/old', checkpoint: '/cache/entries/old/checkpoints/step-80', step: 80 };
const init = { name: 'base', needs: ['features', 'base'], trained: { checkpoint: '/cache/entries/base/checkpoints/step-500', network: 'text2mel', step: 500 } };

const rows: { case: string; facts: Partial<StartFacts>; from: string; step: number; target: number; message?: string }[] = [
  { case: 'nothing: fresh weights', facts: {}, from: 'fresh', step: 0, target: 100 },
  { case: 'own checkpoint: resume where it stopped', facts: { own: own(40) }, from: 'own-checkpoint', step: 40, target: 100, message: 'resumed from checkpoints/step-40 (step 40)' },
  { case: 'own checkpoint beats a warm start and init_from', facts: { own: own(40), warmStart: warm, initFrom: init }, from: 'own-checkpoint', step: 40, target: 100 },
  { case: 'own checkpoint of a warm-started run keeps its target', facts: { own: own(90, { target: 110, dataset: 'data-now' }) }, from: 'own-checkpoint', step: 90, target: 110 },
  { case: 'own checkpoint on a changed dataset trains finetune_steps more', facts: { own: own(100, { target: 100, dataset: 'data-before' }) }, from: 'own-checkpoint', step: 100, target: 130 },
  { case: 'changed dataset, finetune_steps 0: no more steps', facts: { own: own(100, { dataset: 'data-before' }), finetuneSteps: 0 }, from: 'own-checkpoint', step: 100, target: 100 },
  { case: 'a raised budget beats the finetune target', facts: { own: own(20, { dataset: 'data-before' }) }, from: 'own-checkpoint', step: 20, target: 100 },
  { case: 'warm start: its step, finetune_steps past it', facts: { warmStart: warm }, from: 'warm-start', step: 80, target: 110, message: 'warm start from /cache/entries/old (step 80); training to step 110 on the changed dataset' },
  { case: 'warm start below the budget trains to the budget', facts: { warmStart: { ...warm, step: 10 } }, from: 'warm-start', step: 10, target: 100 },
  { case: 'warm start beats init_from', facts: { warmStart: warm, initFrom: init }, from: 'warm-start', step: 80, target: 110 },
  { case: 'init_from: its weights, the step counter from 0', facts: { initFrom: init }, from: 'init-from', step: 0, target: 100, message: 'initialised from base (its step 500); step counter starts at 0' },
];

describe('decideStart', () => {
  it.each(rows)('$case', (row) => {
    const d = decideStart({ ...base, ...row.facts });
    expect({ from: d.from, step: d.step, target: d.target }).toEqual({ from: row.from, step: row.step, target: row.target });
    if (row.message) expect('message' in d && d.message).toBe(row.message);
    if (d.from === 'own-checkpoint') expect(d.checkpoint).toBe(row.facts.own!.checkpoint);
    if (d.from === 'warm-start') expect(d.checkpoint).toBe(row.facts.warmStart!.checkpoint);
    if (d.from === 'init-from') expect(d.checkpoint).toBe(init.trained.checkpoint);
  });

  it.each([
    { case: 'init_from outside needs', initFrom: { name: 'base', needs: ['features'] }, error: "init_from: 'base' is not among this step's needs (features)" },
    { case: 'init_from of another network', initFrom: { ...init, trained: { ...init.trained, network: 'ssrn' } }, error: 'init_from: base trained a ssrn, this step trains a text2mel' },
  ])('refuses $case in one line', ({ initFrom, error }) => {
    expect(() => decideStart({ ...base, initFrom })).toThrow(new UserError(error));
  });

  it('refuses to resume an interrupted run whose checkpoint is past a lowered budget (it would publish the longer training)', () => {
    expect(() => decideStart({ ...base, own: own(120) })).toThrow(
      new UserError('checkpoints/step-120 is at step 120, past steps: 100; train from the start with --force <step>, or raise steps'),
    );
  });
});
