// Text2Mel training task (docs/design.md §4.1, §5.3, §5.4): loss = L1 + BD + guided attention.
import { tf } from '../models/backend.ts';
import { Text2Mel } from '../models/text2mel.ts';
import type { Text2MelConfig } from '../models/config.ts';
import { INFERENCE, type RunMode } from '../models/layers.ts';
import { binaryDivergence, guidedAttentionLoss, l1Loss, type DurationGuide } from '../models/losses.ts';
import { DEFAULT_GUIDE_WIDTH, guidePositions } from './duration-guide.ts';
import { AlignmentWatchdog, type AlignmentWatchdogOptions } from './alignment-watchdog.ts';
import { collateText2Mel, type Text2MelBatch } from './collate.ts';
import type { Loaded } from './dataset.ts';
import { corruptDecoderInput, isCorrupting, type DecoderInputCorruption } from './decoder-input-noise.ts';
import type { PhaseMels } from './phase-mels.ts';
import type { Rng } from '../models/rng.ts';
import { diagonality } from './diagonality.ts';
import type { TrainTask, Validation } from './train-task.ts';

export interface Text2MelTaskOptions extends AlignmentWatchdogOptions {
  guidedAttention: 'per_utterance' | 'ref' | 'durations';
  /** σ of the durations guide in symbols. */
  guideWidth?: number;
  /** Corruption of the decoder input in training batches (validation always sees clean frames). */
  decoderInput?: DecoderInputCorruption;
  /** Training batches read each utterance at a random reduction phase (validation: phase 0). */
  phaseMels?: PhaseMels;
}

export class Text2MelTask implements TrainTask<Text2MelBatch> {
  readonly network = 'text2mel';
  readonly withMag = false;
  readonly terms = ['l1', 'bd', 'att'];
  readonly model: Text2Mel;
  private readonly watchdog: AlignmentWatchdog;

  constructor(readonly modelConfig: Text2MelConfig, seed: number, private readonly opts: Text2MelTaskOptions) {
    this.model = new Text2Mel(modelConfig, seed);
    this.watchdog = new AlignmentWatchdog(opts);
  }

  get store() {
    return this.model.store;
  }

  /** A training batch comes with `rng`; validation (no rng) keeps phase 0 and the clean teacher-forced input. */
  collate(items: Loaded[], rng?: Rng): Text2MelBatch {
    const c = this.opts.decoderInput;
    const corrupting = !!c && isCorrupting(c);
    if (!rng || !(corrupting || this.opts.phaseMels)) return collateText2Mel(items, this.modelConfig.nMels);
    const own = rng.fork();
    const drawn = this.opts.phaseMels ? this.opts.phaseMels.draw(items, own) : items;
    return collateText2Mel(drawn, this.modelConfig.nMels, corrupting ? (s, lens, tb) => corruptDecoderInput(s, lens, tb, this.modelConfig.nMels, c!, own) : undefined);
  }

  disposeBatch(b: Text2MelBatch): void {
    tf.dispose([b.ids, b.mel, b.s]);
  }

  private terms3(b: Text2MelBatch, run: RunMode) {
    const out = this.model.forward(b.ids, b.s, run);
    const ref = this.opts.guidedAttention === 'ref' ? { maxN: this.modelConfig.maxN, maxT: this.modelConfig.maxT } : undefined;
    const l1 = l1Loss(out.mel, b.mel);
    const bd = binaryDivergence(out.logits, b.mel);
    const att = guidedAttentionLoss(out.alignment, b.textLens, b.frameLens, this.modelConfig.g, ref, this.guideOf(b));
    return { out, l1, bd, att, total: tf.addN([l1, bd, att]) as tf.Scalar };
  }

  /** guided_attention: durations — the teacher's path for items with symbol ends, the diagonal for the rest. */
  private guideOf(b: Text2MelBatch): DurationGuide | undefined {
    if (this.opts.guidedAttention !== 'durations') return undefined;
    const tb = b.s.shape[1];
    const positions = b.symbolEnds.map((ends, i) => ends && guidePositions(ends, b.textLens[i], b.frameLens[i], tb));
    return { positions, width: this.opts.guideWidth ?? DEFAULT_GUIDE_WIDTH };
  }

  losses(b: Text2MelBatch, run: RunMode) {
    const { l1, bd, att, total } = this.terms3(b, run);
    return { total, terms: { l1, bd, att } };
  }

  /** Teacher-forced loss without dropout, and mean diagonality, over the validation set. */
  validate(batches: Loaded[][]): Validation {
    let lossSum = 0, count = 0, diagSum = 0;
    let alignment: Validation['alignment'];
    for (const items of batches) {
      const b = this.collate(items);
      const [loss, align] = tf.tidy(() => {
        const r = this.terms3(b, INFERENCE);
        return [r.total.dataSync()[0], r.out.alignment.dataSync() as Float32Array] as const;
      });
      const [, tb, nb] = [items.length, b.s.shape[1], b.ids.shape[1]];
      items.forEach((_, i) => {
        const a = align.subarray(i * tb * nb, (i + 1) * tb * nb);
        diagSum += diagonality(a, nb, b.textLens[i], b.frameLens[i]);
        if (!alignment) {
          // First validation utterance as N rows × T' cols (text vertical), real lengths only.
          const rows = b.textLens[i], cols = b.frameLens[i];
          const matrix = new Float32Array(rows * cols);
          for (let t = 0; t < cols; t++) for (let n = 0; n < rows; n++) matrix[n * cols + t] = a[t * nb + n];
          alignment = { matrix, rows, cols };
        }
      });
      lossSum += loss * items.length;
      count += items.length;
      this.disposeBatch(b);
    }
    return { valLoss: lossSum / count, metrics: { diagonality: diagSum / count }, alignment };
  }

  /** Alignment watchdog (alignment-watchdog.ts) on the mean diagonality. */
  afterValidation(step: number, v: Validation): void {
    this.watchdog.check(step, v.metrics.diagonality);
  }
}
