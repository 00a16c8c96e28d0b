// Where a training run's weights come from, decided from what is on disk (read by start-facts.ts):
// its own newest checkpoint (resume, exactly where it stopped), else the earlier build a warm
// start names (watch: weights, Adam moments and step continue on the changed dataset), else
// init_from (an upstream step's weights, step counter from 0), else fresh weights. Also decides
// the step it trains to (docs/design.md §5.5).
import { UserError } from '../errors.ts';

export interface StartFacts {
  network: 'text2mel' | 'ssrn';
  /** `steps` and `finetune_steps` of the params. */
  steps: number;
  finetuneSteps: number;
  /** Fingerprint of the dataset this run trains on. */
  dataset: string;
  /** This step's own newest complete checkpoint: its dir (also as shown), step and the extras it recorded. */
  own?: { checkpoint: string; shown: string; step: number; target?: unknown; dataset?: unknown };
  /** ctx.warmStart: the earlier build's dir and its newest checkpoint's step. */
  warmStart?: { from: string; checkpoint: string; step: number };
  /** init_from: the step named, this step's needs, and what that step trained (absent: not in needs). */
  initFrom?: { name: string; needs: string[]; trained?: { checkpoint: string; network: string; step: number } };
}

export type StartDecision =
  | { from: 'own-checkpoint' | 'warm-start'; checkpoint: string; step: number; target: number; message: string }
  | { from: 'init-from'; checkpoint: string; name: string; step: 0; target: number; message: string }
  | { from: 'fresh'; step: 0; target: number };

export function decideStart(f: StartFacts): StartDecision {
  if (f.own) {
    const { step } = f.own;
    let target = f.steps;
    // A warm-started run keeps the target it set itself (its checkpoints record it).
    if (typeof f.own.target === 'number') target = Math.max(target, f.own.target);
    if (f.own.dataset !== f.dataset && f.finetuneSteps > 0) target = Math.max(target, step + f.finetuneSteps);
    // An interrupted run resumed under a lowered budget (a published one is planned fresh instead).
    if (step > target) throw new UserError(`${f.own.shown} is at step ${step}, past steps: ${target}; train from the start with --force <step>, or raise steps`);
    return { from: 'own-checkpoint', checkpoint: f.own.checkpoint, step, target, message: `resumed from ${f.own.shown} (step ${step})` };
  }
  if (f.warmStart) {
    const { step } = f.warmStart;
    const target = Math.max(f.steps, step + f.finetuneSteps);
    return {
      from: 'warm-start', checkpoint: f.warmStart.checkpoint, step, target,
      message: `warm start from ${f.warmStart.from} (step ${step}); training to step ${target} on the changed dataset`,
    };
  }
  if (f.initFrom) {
    const { name, trained } = f.initFrom;
    if (!trained) throw new UserError(`init_from: '${name}' is not among this step's needs (${f.initFrom.needs.join(', ')})`);
    if (trained.network !== f.network) throw new UserError(`init_from: ${name} trained a ${trained.network}, this step trains a ${f.network}`);
    return {
      from: 'init-from', checkpoint: trained.checkpoint, name, step: 0, target: f.steps,
      message: `initialised from ${name} (its step ${trained.step}); step counter starts at 0`,
    };
  }
  return { from: 'fresh', step: 0, target: f.steps };
}
