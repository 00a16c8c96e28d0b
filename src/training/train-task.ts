// What the training loop trains: a network with its losses, batching and validation
// (text2mel-task.ts, ssrn-task.ts).
import type { tf } from '../models/backend.ts';
import type { Rng } from '../models/rng.ts';
import type { RunMode, VarStore } from '../models/layers.ts';
import type { Loaded } from './dataset.ts';

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
