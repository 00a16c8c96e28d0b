// The checkpoint observer: every `checkpoint_every` steps, and when the loop asks (at the start of
// a warm start or init_from, on interrupt, at the end), saves weights + Adam moments with the
// validation loss and the run's dataset and target (what resuming needs), prunes old ones, and
// tells `onSaved` (previews). model.json, pointing at the newest and best, is written on request.
import { join, relative } from 'node:path';
import type { Adam } from '../models/adam.ts';
import { bestCheckpoint, listCheckpoints, pruneCheckpoints, saveCheckpoint, writeModelDoc } from '../models/checkpoint.ts';
import type { TrainingContext } from './context.ts';
import type { StepReport, TrainObserver } from './observer.ts';
import type { TrainTask, Validation } from './train-task.ts';

export interface CheckpointerOptions {
  ctx: TrainingContext;
  task: TrainTask<unknown>;
  adam: Adam;
  validate: (step: number) => Promise<Validation | undefined>;
  every: number;
  keep: number;
  seed: number;
  /** Recorded in each checkpoint: resuming on another dataset trains finetune_steps more. */
  dataset: string;
  /** Recorded in each checkpoint: a warm-started run resumes to its own target. */
  target: number;
  features: object;
  speaker: string;
  /** The step of the checkpoint the run resumed from (not saved again), else -1. */
  lastSaved: number;
  /** After each save, with the number of checkpoints this run has saved. */
  onSaved?: (step: number, saved: number) => Promise<void>;
}

export class Checkpointer implements TrainObserver {
  readonly root: string;
  private lastSaved: number;
  private saved = 0;

  constructor(private readonly o: CheckpointerOptions) {
    this.root = join(o.ctx.outDir, 'checkpoints');
    this.lastSaved = o.lastSaved;
  }

  async afterStep(s: StepReport): Promise<void> {
    if (s.step % this.o.every === 0) await this.save(s.step);
  }

  /** Saves the weights at `step` unless they are saved already. */
  async save(step: number): Promise<void> {
    if (this.lastSaved === step) return;
    const { o } = this;
    const v = await o.validate(step);
    saveCheckpoint(this.root, step, o.task.store.vars, o.adam, {
      rng: { seed: o.seed, step }, valLoss: v?.valLoss ?? null, extra: { dataset: o.dataset, target: o.target },
    });
    this.lastSaved = step;
    pruneCheckpoints(this.root, o.keep);
    await o.onSaved?.(step, ++this.saved);
  }

  /** model.json: the newest and the best checkpoint (nothing before the first checkpoint). */
  writeDoc(step: number): void {
    const { ctx, task, features, speaker } = this.o;
    const newest = listCheckpoints(this.root).at(-1);
    const best = bestCheckpoint(this.root);
    if (!newest || !best) return;
    writeModelDoc(ctx.outDir, {
      kind: 'trained-model', network: task.network, speaker,
      config: task.modelConfig as Record<string, unknown>, features: features as Record<string, unknown>,
      latest: relative(ctx.outDir, newest.dir), best: relative(ctx.outDir, best.dir),
      step, bestValLoss: best.valLoss,
    });
    ctx.artifact(join(ctx.outDir, 'model.json'), 'checkpoint', `${task.network} at step ${step}`);
  }

  /** The newest checkpoint on disk, as shown in messages. */
  newestShown(): string | undefined {
    const kept = listCheckpoints(this.root).at(-1);
    return kept && relative(this.o.ctx.outDir, kept.dir);
  }
}
