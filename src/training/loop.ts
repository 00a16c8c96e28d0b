// The training loop shared by train-text2mel and train-ssrn (docs/design.md §5.4): where the
// weights start (start-decision.ts), batches with prefetch, the LR schedule, clipped hand-written Adam
// with frozen variables; after each step the observers act on their own schedules: metrics
// window, plots, checkpoints (which trigger previews). Validation (with the alignment watchdog)
// runs at most once per step for all of them. Interrupted or done, the loop checkpoints and
// writes model.json.
import { join } from 'node:path';
import { tf } from '../models/backend.ts';
import { Adam } from '../models/adam.ts';
import { isFrozen, unmatchedFreezeEntries } from '../models/freeze.ts';
import { learningRate } from '../models/schedule.ts';
import { Rng } from '../models/rng.ts';
import { StepInterrupted, UserError } from '../errors.ts';
import type { TrainingContext } from './context.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { Checkpointer } from './checkpointer.ts';
import { ItemLoader, type Item, type Split } from './dataset.ts';
import { MetricsLog } from './metrics-log.ts';
import { MetricsWindow } from './metrics-window.ts';
import type { TrainObserver } from './observer.ts';
import type { ResolvedTrainParams } from './params.ts';
import { Previews } from './previews.ts';
import { BucketSampler } from './sampler.ts';
import { rehearsedItems } from './rehearsal.ts';
import { deriveSeed } from './seeds.ts';
import { decideStart } from './start-decision.ts';
import { loadStart, readStartFacts } from './start-facts.ts';
import { Stepper } from './train-step.ts';
import type { TrainTask } from './train-task.ts';
import { TrainingPlots } from './training-plots.ts';
import { ValidationCache } from './validation.ts';

const MEMORY_RE = /out of memory|\bOOM\b|Cannot allocate|allocation failed|memory access out of bounds|Array buffer allocation|Invalid typed array length/i;

/** The variables that train: all but the frozen ones; a freeze entry that matches nothing is an error. */
function trainableOf(ctx: TrainingContext, task: TrainTask<unknown>, freeze: string[]): Map<string, tf.Variable> {
  const vars = task.store.vars;
  const unmatched = unmatchedFreezeEntries(vars.keys(), freeze);
  if (unmatched.length) throw new UserError(`freeze: ${unmatched.join(', ')} match no layer of ${task.network} (names look like ${[...vars.keys()][1]})`);
  const trainable = new Map([...vars].filter(([n]) => !isFrozen(n, freeze)));
  if (!trainable.size) throw new UserError(`freeze: ${freeze.join(', ')} freezes every variable of ${task.network}; nothing would train`);
  if (freeze.length) ctx.log(`freeze: ${vars.size - trainable.size} of ${vars.size} variables frozen`);
  return trainable;
}

export async function trainLoop<B>(
  ctx: TrainingContext, task: TrainTask<B>, split: Split, p: ResolvedTrainParams, features: FeatureConfig, memoryHint: string,
): Promise<void> {
  const adam = new Adam();
  const stepper = new Stepper(trainableOf(ctx, task, p.freeze), adam);
  const previews = new Previews(ctx, p);

  const start = decideStart(readStartFacts(ctx, join(ctx.outDir, 'checkpoints'), p, task.network, split.fingerprint));
  loadStart(start, task.store, adam, (line) => ctx.log(line));
  let step = start.step;
  const target = start.target;

  const log = new MetricsLog(ctx.outDir, step);
  const validation = new ValidationCache(task, split.validation, split.batchSize);
  const validate = (at: number) => validation.at(at);
  const checkpoints: Checkpointer = new Checkpointer({
    ctx, task, adam, validate, every: p.checkpointEvery, keep: p.keepCheckpoints, seed: p.seed,
    dataset: split.fingerprint, target, features, speaker: split.index.speaker,
    lastSaved: start.from === 'own-checkpoint' ? start.step : -1,
    onSaved: async (at, saved) => {
      if (!previews.due(saved)) return;
      checkpoints.writeDoc(at);
      await previews.speak(at);
    },
  });
  // In this order: the metrics line (with the validation) before the loss plot that draws it.
  const observers: TrainObserver[] = [
    new MetricsWindow(ctx, task.terms, log, validate, p.logEvery),
    new TrainingPlots(ctx, task, log, validate, p.plotEvery),
    checkpoints,
  ];

  // With rehearsal, the sampler fills the batch's own part and the rest is rehearsed.
  const rehearsal = split.rehearsal;
  const sampler = new BucketSampler(split.train.map((it) => it.utt.ids.length), split.batchSize - (rehearsal?.perBatch ?? 0), p.seed);
  const loader = new ItemLoader(task.withMag);
  const batchItems = (i: number): Item[] => {
    const own = sampler.batch(i).map((j) => split.train[j]);
    return rehearsal ? [...own, ...rehearsedItems(rehearsal, p.seed, i)] : own;
  };

  // Weights this run starts from (init_from at step 0, a warm start at its step) are recorded as
  // this run's first checkpoint, so model.json can point at them even if no step trains.
  if (start.from === 'warm-start' || start.from === 'init-from') await checkpoints.save(step);
  ctx.progress(step, target, 'steps');
  if (step < target) loader.prefetch(String(step), batchItems(step));
  while (step < target) {
    if (ctx.signal.aborted) {
      await checkpoints.save(step);
      checkpoints.writeDoc(step);
      throw new StepInterrupted(`interrupted at step ${step}; checkpoint saved`);
    }
    const items = await loader.get(String(step), batchItems(step));
    if (step + 1 < target) loader.prefetch(String(step + 1), batchItems(step + 1));
    const rng = new Rng(deriveSeed(p.seed, 0xd40, step));
    const lr = learningRate(p.lrSchedule, step, p.lr, p.warmup, target);
    let values: Record<string, number>;
    let gradNorm: number;
    try {
      const batch = task.collate(items, rng);
      ({ values, gradNorm } = stepper.step(() => task.losses(batch, { training: true, rng }), lr));
      task.disposeBatch(batch);
      if (!Number.isFinite(values.loss)) {
        const kept = checkpoints.newestShown();
        throw new UserError(
          `the loss became ${values.loss} at step ${step + 1} (${Object.entries(values).map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
          `${kept ? `last good checkpoint ${kept} kept` : 'no checkpoint was written yet'}. Lower lr (now ${p.lr}) or check the features for bad values.`,
        );
      }
    } catch (err) {
      if (!(err instanceof UserError) && MEMORY_RE.test(String((err as Error)?.message ?? err))) {
        throw new UserError(`out of memory at step ${step + 1}: ${memoryHint} (batch_size is ${split.batchSize})`);
      }
      throw err;
    }
    step += 1;
    ctx.progress(step, target, 'steps');
    const report = { step, target, lr, values, gradNorm };
    for (const o of observers) await o.afterStep(report);
    // Let I/O callbacks (prefetch reads, the abort signal) run between steps.
    await new Promise((r) => setImmediate(r));
  }
  await checkpoints.save(step);
  checkpoints.writeDoc(step);
  tf.dispose([...adam.m.values(), ...adam.v.values()]);
}
