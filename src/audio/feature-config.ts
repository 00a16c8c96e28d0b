// The feature parameters of one voice (identical between preprocessing, training and synthesis)
// and the two sizes the project ships, the defaults of the `preprocess` step (docs/design.md §2).

import type { TextFrontEnd } from '../text/front-end.ts';

/** Feature parameters; identical between preprocessing, training and synthesis of one voice. */
export interface FeatureConfig {
  sample_rate: number;
  n_fft: number;
  hop_length: number;
  win_length: number;
  n_mels: number;
  fmin: number;
  fmax: number;
  preemphasis: number;
  ref_db: number;
  max_db: number;
  /** Reduction factor of the mel frames (docs/design.md §2.1: 4). */
  r: number;
  /** Silence trimming threshold in dB below the loudest frame (60). */
  top_db: number;
  /**
   * The text front end (docs/design.md §1; src/text/front-end.ts); absent = chars. It is not an
   * audio setting, but it must travel with the voice exactly as they do, so it rides along here.
   */
  text?: TextFrontEnd;
}

/** The LJSpeech-size features of REF (docs/design.md §2). */
export const DEFAULT_FEATURES: FeatureConfig = Object.freeze({
  sample_rate: 22050, n_fft: 2048, hop_length: 275, win_length: 1102, n_mels: 80,
  fmin: 0, fmax: 11025, preemphasis: 0.97, ref_db: 20, max_db: 100, r: 4, top_db: 60,
});

/** The tiny features of the CPU demos and the tests (docs/design.md §2). */
export const TINY_FEATURES: FeatureConfig = Object.freeze({
  sample_rate: 16000, n_fft: 512, hop_length: 200, win_length: 400, n_mels: 40,
  fmin: 0, fmax: 8000, preemphasis: 0.97, ref_db: 20, max_db: 100, r: 4, top_db: 60,
});

/** The keys on which two feature configs differ, each as `key <a> vs <b>` (values as JSON); empty when they agree. */
export function featureDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k} ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
}
