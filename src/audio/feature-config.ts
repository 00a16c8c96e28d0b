// The feature parameters of one voice: identical between preprocessing, training and synthesis.

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
  /** Reduction factor of the mel frames (design note: 4). */
  r: number;
  /** Silence trimming threshold in dB below the loudest frame (60). */
  top_db: number;
}
