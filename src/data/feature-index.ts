// `features.json`: the document `preprocess` writes at the root of its output (atomically);
// training and evaluation read it back with readFeatures.
import type { FeatureConfig } from '../audio/feature-config.ts';
import { readDoc } from '../util/read-doc.ts';

/** `features.json`: written by `preprocess`. Array files are .npy float32, paths relative to it. */
export interface FeatureIndex {
  kind: 'features';
  speaker: string;
  config: FeatureConfig;
  utterances: FeatureUtterance[];
  skipped: { file: string; reason: string }[];
}

export interface FeatureUtterance {
  id: string;
  text: string;
  /** Normalised text (vocabulary characters only, before the end symbol). */
  normalized: string;
  /** Symbol ids including the final end symbol E (=1), without padding. */
  ids: number[];
  /** T' = number of reduced mel frames (mel is [T', n_mels], mag is [r*T', n_fft/2+1]). */
  frames: number;
  mel: string;
  mag: string;
  duration: number;
  /**
   * The teacher's alignment, when the corpus has phone durations and the front end is phones: for
   * each symbol before E, the reduced frame (fractional) where it ends, counted from the trimmed
   * start (docs/design.md §4.3).
   */
  symbol_ends?: number[];
}

export const readFeatures = (dir: string): FeatureIndex => readDoc<FeatureIndex>(dir, 'features.json', 'features');
