// `preprocess`: corpus → training features (mel, linear magnitude, text ids), cached per clip.
// The work is data/preprocess-corpus.ts, imported when the step runs (it loads esbuild and the
// feature code, which listing the step kinds does not need).
import type { StepKind } from './contract.ts';
import type { PreprocessParams } from '../data/preprocess-corpus.ts';
import { TEXT2MEL_DEFAULT, TEXT2MEL_TINY } from '../models/config.ts';
import type { JsonSchema } from '../util/json-schema.ts';

const paramsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    config: { enum: ['tiny', 'default'], default: 'default', description: 'base feature settings: default (22,050 Hz, n_fft 2048, 80 mels) or tiny (16 kHz, 512, 40 mels)' },
    sample_rate: { type: 'integer', minimum: 1000, description: 'Hz; audio is resampled to it' },
    n_fft: { type: 'integer', minimum: 16, description: 'FFT size, a power of two' },
    hop_length: { type: 'integer', minimum: 1, description: 'STFT hop in samples' },
    win_length: { type: 'integer', minimum: 2, description: 'Hann window length in samples (≤ n_fft)' },
    n_mels: { type: 'integer', minimum: 1, description: 'mel bands' },
    fmin: { type: 'number', minimum: 0, description: 'lowest mel frequency, Hz' },
    fmax: { type: 'number', exclusiveMinimum: 0, description: 'highest mel frequency, Hz (default: sample_rate / 2)' },
    preemphasis: { type: 'number', minimum: 0, maximum: 1, description: 'pre-emphasis coefficient' },
    ref_db: { type: 'number', description: 'reference level of the normalisation, dB' },
    max_db: { type: 'number', exclusiveMinimum: 0, description: 'dynamic range of the normalisation, dB' },
    r: { type: 'integer', minimum: 1, description: 'reduction factor of the mel frames' },
    top_db: { type: 'number', exclusiveMinimum: 0, description: 'silence trimming threshold below the loudest frame, dB' },
    max_frames: { type: 'integer', minimum: 1, description: `drop clips longer than this many reduced frames (default ${TEXT2MEL_DEFAULT.maxT}; tiny ${TEXT2MEL_TINY.maxT})` },
    max_chars: { type: 'integer', minimum: 2, description: `drop texts longer than this many symbols incl. the end symbol (default ${TEXT2MEL_DEFAULT.maxN}; tiny ${TEXT2MEL_TINY.maxN})` },
    text: { enum: ['chars', 'chars-pauses', 'phones'], description: "text front end, recorded with the features so training and synthesis agree: chars (default: letters, ' . ?), chars-pauses (chars plus a pause symbol at , ; : and dashes), phones (flite's t2p letter-to-sound, pau at pauses)" },
    on_error: { enum: ['skip', 'fail'], default: 'skip', description: 'skip unusable utterances with a warning, or stop the step' },
    workers: { type: 'integer', minimum: 1, description: 'feature worker threads (default: all cores)' },
  },
};

export const preprocess: StepKind<PreprocessParams> = {
  kind: 'preprocess',
  version: 1,
  description: 'Compute mel and linear-magnitude features and text ids of a corpus (cached per clip, all cores)',
  paramsSchema,
  items: { namespace: 'features', names: async (params, inputs) => (await import('../data/preprocess-corpus.ts')).featureItemNames(params, inputs) },
  run: async (ctx) => (await import('../data/preprocess-corpus.ts')).preprocessCorpus(ctx),
};
