// The training loop shared by train-text2mel and train-ssrn: resume / init_from, batches with
// prefetch, Noam LR, clipped hand-written Adam with frozen variables, metrics, validation,
// plots, checkpoints (periodic, on interrupt, at the end) and model.json.
import { join, relative } from 'node:path';
import { mkdirSync } from 'node:fs';
import { tf } from '../models/backend.ts';
import { Adam } from '../models/adam.ts';
import { isFrozen, unmatchedFreezeEntries } from '../models/freeze.ts';
import { noamLearningRate } from '../models/schedule.ts';
import { Rng } from '../models/rng.ts';
import type { RunMode, VarStore } from '../models/layers.ts';
import { bestCheckpoint, listCheckpoints, loadCheckpoint, pruneCheckpoints, saveCheckpoint, writeModelDoc } from '../models/checkpoint.ts';
import { readTrainedModelDoc, checkpointOf } from '../models/load-trained.ts';
import { writeAlignmentPng, writeLossCurvesPng } from '../plots/plots.ts';
import { ALIGNMENT_MATRIX_LABEL } from '../runner/events.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { StepInterrupted, UserError } from '../errors.ts';
import { type StepContext } from '../steps/contract.ts';
import { ItemLoader, type Item, type Loaded, type Split } from './dataset.ts';
import { BucketSampler } from './sampler.ts';
import { MetricsLog } from './metrics-log.ts';
import { deriveSeed } from './seeds.ts';
import { Stepper } from './train-step.ts';
import type { ResolvedTrainParams } from './params.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';

export interface Validation {
  valLoss: number;
  /** Extra validation metrics (Text2Mel: diagonality). */
  metrics: Record<string, number>;
  /** Alignment of the first validation utterance, N rows × T' cols, for the plot. */
  alignment?: { matrix: Float32Array; rows: number; cols: number };
}

export interface TrainTask<B> {
  network: 'text2mel' | 'ssrn';
  store: VarStore;
  modelConfig: object;
  withMag: boolean;
  /** Names of the loss terms `losses` returns (besides the total). */
  terms: string[];
  collate(items: Loaded[], rng: Rng): B;
  /** Called inside a tidy/gradient scope: total loss and its terms. */
  losses(batch: B, run: RunMode): { total: tf.Scalar; terms: Record<string, tf.Scalar> };
  disposeBatch(batch: B): void;
  validate(batches: Loaded[][]): Validation;
  /** Extra check at each validation (the alignment watchdog); may throw a UserError. */
  afterValidation?(step: number, v: Validation): void;
}

const MEMORY_RE = /out of memory|\bOOM\b|Cannot allocate|allocation failed|memory access out of bounds|Array buffer allocation|Invalid typed array length/i;

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export async function trainLoop<B>(
  ctx: StepContext<unknown>, task: TrainTask<B>, split: Split, p: ResolvedTrainParams, features: FeatureConfig, memoryHint: string,
): Promise<void> {
  const root = join(ctx.outDir, 'checkpoints');
  const vars = task.store.vars;
  const adam = new Adam();
  const unmatched = unmatchedFreezeEntries(vars.keys(), p.freeze);
  if (unmatched.length) throw new UserError(`freeze: ${unmatched.join(', ')} match no layer of ${task.network} (names look like ${[...vars.keys()][1]})`);
  const trainable = new Map([...vars].filter(([n]) => !isFrozen(n, p.freeze)));
  if (!trainable.size) throw new UserError(`freeze: ${p.freeze.join(', ')} freezes every variable of ${task.network}; nothing would train`);
  if (p.freeze.length) ctx.log(`freeze: ${vars.size - trainable.size} of ${vars.size} variables frozen`);
  const stepper = new Stepper(trainable, adam);
  const previewSsrnDir = previewSsrnOf(ctx, p);

  // Resume from the newest complete checkpoint, else warm-start from init_from.
  let step = 0;
  let target = p.steps;
  const latest = listCheckpoints(root).at(-1);
  if (latest) {
    const m = loadCheckpoint(latest.dir, vars, adam);
    step = m.step;
    // A warm-started run keeps the target it set itself (its checkpoints record it).
    if (typeof m.extra.target === 'number') target = Math.max(target, m.extra.target);
    if (m.extra.dataset !== split.fingerprint && p.finetuneSteps > 0) target = Math.max(target, step + p.finetuneSteps);
    ctx.log(`resumed from ${relative(ctx.outDir, latest.dir)} (step ${step})`);
  } else if (ctx.warmStart) {
    // An earlier build of this same step trained on data that has since changed (watch mode):
    // continue its newest checkpoint — weights, Adam moments and step — on the grown dataset.
    const doc = readTrainedModelDoc(ctx.warmStart);
    const m = loadCheckpoint(checkpointOf(ctx.warmStart, doc, 'latest'), vars, adam);
    step = m.step;
    target = Math.max(p.steps, step + p.finetuneSteps);
    ctx.log(`warm start from ${ctx.warmStart} (step ${step}); training to step ${target} on the changed dataset`);
  } else if (p.initFrom) {
    const dir = ctx.inputs[p.initFrom];
    if (!dir) throw new UserError(`init_from: '${p.initFrom}' is not among this step's needs (${Object.keys(ctx.inputs).join(', ')})`);
    const doc = readTrainedModelDoc(dir);
    if (doc.network !== task.network) throw new UserError(`init_from: ${p.initFrom} trained a ${doc.network}, this step trains a ${task.network}`);
    try {
      loadCheckpoint(checkpointOf(dir, doc, 'latest'), vars, null);
    } catch (err) {
      throw new UserError(`init_from ${p.initFrom}: ${(err as Error).message}`);
    }
    ctx.log(`initialised from ${p.initFrom} (its step ${doc.step}); step counter starts at 0`);
  }

  const log = new MetricsLog(ctx.outDir, step);
  const sampler = new BucketSampler(split.train.map((it) => it.utt.ids.length), split.batchSize, p.seed);
  const loader = new ItemLoader(task.withMag);
  const batchItems = (i: number): Item[] => sampler.batch(i).map((j) => split.train[j]);
  const valBatches = chunk(split.validation, split.batchSize);
  const valLoader = new ItemLoader(task.withMag);
  let lastVal: Validation | undefined;
  let lastValStep = -1;
  let lastCheckpointStep = latest?.step ?? -1;
  let checkpointsSaved = 0;
  const window: Record<string, number[]> = { loss: [], grad_norm: [] };
  for (const t of task.terms) window[t] = [];
  let windowStart = performance.now();
  let windowSteps = 0;
  mkdirSync(join(ctx.outDir, 'plots'), { recursive: true });

  const validate = async (): Promise<Validation | undefined> => {
    if (!valBatches.length) return undefined;
    if (lastValStep === step) return lastVal;
    const loaded = await Promise.all(valBatches.map((b, i) => valLoader.get(`v${i}`, b)));
    lastVal = task.validate(loaded);
    lastValStep = step;
    task.afterValidation?.(step, lastVal);
    return lastVal;
  };

  const checkpoint = async (): Promise<void> => {
    if (lastCheckpointStep === step) return;
    const v = await validate();
    saveCheckpoint(root, step, vars, adam, {
      rng: { seed: p.seed, step }, valLoss: v?.valLoss ?? null, extra: { dataset: split.fingerprint, target },
    });
    lastCheckpointStep = step;
    pruneCheckpoints(root, p.keepCheckpoints);
    if (p.preview.length && ++checkpointsSaved % p.previewEvery === 0) {
      writeDoc(ctx, task, features, split.index.speaker, step, root);
      await preview(ctx, p, step, previewSsrnDir, features);
    }
  };

  // Weights this run starts from (init_from at step 0, a warm start at its step) are recorded as
  // this run's first checkpoint, so model.json can point at them even if no step trains.
  if (!latest && (ctx.warmStart || p.initFrom)) await checkpoint();
  ctx.progress(step, target, 'steps');
  if (step < target) loader.prefetch(String(step), batchItems(step));
  while (step < target) {
    if (ctx.signal.aborted) {
      await checkpoint();
      writeDoc(ctx, task, features, split.index.speaker, step, root);
      throw new StepInterrupted(`interrupted at step ${step}; checkpoint saved`);
    }
    const items = await loader.get(String(step), batchItems(step));
    if (step + 1 < target) loader.prefetch(String(step + 1), batchItems(step + 1));
    const rng = new Rng(deriveSeed(p.seed, 0xd40, step));
    const lr = noamLearningRate(step, p.lr, p.warmup);
    let values: Record<string, number>;
    let gradNorm: number;
    try {
      const batch = task.collate(items, rng);
      ({ values, gradNorm } = stepper.step(() => task.losses(batch, { training: true, rng }), lr));
      task.disposeBatch(batch);
      if (!Number.isFinite(values.loss)) {
        const kept = listCheckpoints(root).at(-1);
        throw new UserError(
          `the loss became ${values.loss} at step ${step + 1} (${Object.entries(values).map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
          `${kept ? `last good checkpoint ${relative(ctx.outDir, kept.dir)} kept` : 'no checkpoint was written yet'}. Lower lr (now ${p.lr}) or check the features for bad values.`,
        );
      }
    } catch (err) {
      if (!(err instanceof UserError) && MEMORY_RE.test(String((err as Error)?.message ?? err))) {
        throw new UserError(`out of memory at step ${step + 1}: ${memoryHint} (batch_size is ${split.batchSize})`);
      }
      throw err;
    }
    step += 1;
    windowSteps += 1;
    window.loss.push(values.loss);
    window.grad_norm.push(gradNorm);
    for (const t of task.terms) window[t].push(values[t]);
    ctx.progress(step, target, 'steps');

    if (step % p.logEvery === 0 || step === target) {
      const now = performance.now();
      const secs = (now - windowStart) / 1000;
      const line: Record<string, number> = { step };
      for (const [k, xs] of Object.entries(window)) line[k] = xs.reduce((a, b) => a + b, 0) / xs.length;
      line.lr = lr;
      line.steps_per_s = windowSteps / secs;
      line.s_per_step = secs / windowSteps;
      const v = await validate();
      if (v) {
        line.val_loss = v.valLoss;
        Object.assign(line, v.metrics);
      }
      for (const [k, val] of Object.entries(line)) if (k !== 'step') ctx.metric(k, val, step);
      log.append(line as { step: number } & Record<string, number>);
      for (const xs of Object.values(window)) xs.length = 0;
      windowStart = performance.now();
      windowSteps = 0;
    }
    if (step % p.plotEvery === 0 || step === target) {
      const v = await validate();
      plot(ctx, task, log, step, v);
    }
    if (step % p.checkpointEvery === 0) await checkpoint();
    // Let I/O callbacks (prefetch reads, the abort signal) run between steps.
    await new Promise((r) => setImmediate(r));
  }
  await checkpoint();
  writeDoc(ctx, task, features, split.index.speaker, step, root);
  tf.dispose([...adam.m.values(), ...adam.v.values()]);
}

/** The finished SSRN step that previews vocode with, checked before any training step runs. */
function previewSsrnOf(ctx: StepContext<unknown>, p: ResolvedTrainParams): string | undefined {
  if (!p.previewSsrn) return undefined;
  const dir = ctx.inputs[p.previewSsrn];
  if (!dir) throw new UserError(`preview_ssrn: '${p.previewSsrn}' is not among this step's needs (${Object.keys(ctx.inputs).join(', ')})`);
  return dir;
}

/** Speaks the preview sentences with the checkpoint just saved (listening while training):
 * `previews/step-N/wavs/*.wav` and their alignment PNGs, announced so the report plays them. */
async function preview(ctx: StepContext<unknown>, p: ResolvedTrainParams, step: number, ssrnDir: string | undefined, features: FeatureConfig): Promise<void> {
  const { synthesizeSentences } = await import('../synthesis/synthesize.ts');
  const outDir = join(ctx.outDir, 'previews', `step-${String(step).padStart(7, '0')}`);
  const result = await synthesizeSentences({
    text2melDir: ctx.outDir, ssrnDir, sentences: p.preview, which: step, ssrnWhich: 'latest',
    outDir, batchSize: p.preview.length, log: () => {}, warn: (m) => ctx.warn(`preview: ${m}`),
  });
  for (const s of result.sentences) {
    ctx.artifact(join(outDir, s.wav), 'audio', `preview at step ${step}: ${s.text}`);
    if (s.alignmentPng) ctx.artifact(join(outDir, s.alignmentPng), 'image', `preview alignment at step ${step}: ${s.text}`);
  }
  ctx.log(`preview at step ${step}: ${result.sentences.length} sentence(s) in ${relative(ctx.outDir, outDir)} (vocoder ${result.vocoder})`);
}

function plot<B>(ctx: StepContext<unknown>, task: TrainTask<B>, log: MetricsLog, step: number, v: Validation | undefined): void {
  if (v?.alignment) {
    const path = join(ctx.outDir, 'plots', `alignment-step-${step}.png`);
    writeAlignmentPng(path, v.alignment.matrix, v.alignment.rows, v.alignment.cols, { title: 'attention (first validation utterance)', step });
    ctx.artifact(path, 'image', `alignment at step ${step}`);
    // The same matrix as numbers, for the dashboard's terminal heatmap (src/ui/dashboard).
    const matrixPath = join(ctx.outDir, 'plots', 'alignment-latest.json');
    const { rows, cols, matrix } = v.alignment;
    writeJsonAtomic(matrixPath, { rows, cols, step, data: Array.from(matrix, (x) => Math.round(x * 1e4) / 1e4) });
    ctx.artifact(matrixPath, 'other', ALIGNMENT_MATRIX_LABEL);
  }
  if (log.lines.length >= 2) {
    const path = join(ctx.outDir, 'plots', 'loss.png');
    writeLossCurvesPng(path, log.series(['loss', ...task.terms, 'val_loss']), { title: `${task.network} loss` });
    ctx.artifact(path, 'image', 'loss curves');
  }
}

function writeDoc<B>(ctx: StepContext<unknown>, task: TrainTask<B>, features: object, speaker: string, step: number, root: string): void {
  const newest = listCheckpoints(root).at(-1);
  const best = bestCheckpoint(root);
  if (!newest || !best) return;
  writeModelDoc(ctx.outDir, {
    kind: 'trained-model', network: task.network, speaker,
    config: task.modelConfig as Record<string, unknown>, features: features as Record<string, unknown>,
    latest: relative(ctx.outDir, newest.dir), best: relative(ctx.outDir, best.dir),
    step, bestValLoss: best.valLoss,
  });
  ctx.artifact(join(ctx.outDir, 'model.json'), 'checkpoint', `${task.network} at step ${step}`);
}
