// SSRN training task (docs/design.md §4.2): loss = L1 + BD on random crops of the magnitudes.
import { tf } from '../models/backend.ts';
import { Ssrn } from '../models/ssrn.ts';
import type { SsrnConfig } from '../models/config.ts';
import { INFERENCE, type RunMode } from '../models/layers.ts';
import { binaryDivergence, l1Loss } from '../models/losses.ts';
import type { Rng } from '../models/rng.ts';
import { collateSsrn, type SsrnBatch } from './collate.ts';
import type { Loaded } from './dataset.ts';
import type { TrainTask, Validation } from './train-task.ts';

export class SsrnTask implements TrainTask<SsrnBatch> {
  readonly network = 'ssrn';
  readonly withMag = true;
  readonly terms = ['l1', 'bd'];
  readonly model: Ssrn;

  constructor(readonly modelConfig: SsrnConfig, seed: number, private readonly r: number, private readonly cropFrames: number) {
    this.model = new Ssrn(modelConfig, seed);
  }

  get store() {
    return this.model.store;
  }

  collate(items: Loaded[], rng: Rng): SsrnBatch {
    return collateSsrn(items, this.modelConfig.nMels, this.modelConfig.fBins, this.r, this.cropFrames, rng);
  }

  disposeBatch(b: SsrnBatch): void {
    tf.dispose([b.mel, b.mag]);
  }

  losses(b: SsrnBatch, run: RunMode) {
    const out = this.model.forward(b.mel, run);
    const l1 = l1Loss(out.mag, b.mag);
    const bd = binaryDivergence(out.logits, b.mag);
    return { total: tf.add(l1, bd) as tf.Scalar, terms: { l1, bd } };
  }

  /** Whole validation clips (no crop), no dropout. */
  validate(batches: Loaded[][]): Validation {
    let sum = 0, count = 0;
    for (const items of batches) {
      const b = collateSsrn(items, this.modelConfig.nMels, this.modelConfig.fBins, this.r, 0, null);
      sum += tf.tidy(() => this.losses(b, INFERENCE).total.dataSync()[0]) * items.length;
      count += items.length;
      this.disposeBatch(b);
    }
    return { valLoss: sum / count, metrics: {} };
  }
}
