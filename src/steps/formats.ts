// The files that pass between step kinds. Each producing step writes exactly one of these
// JSON documents at the root of its output directory (atomically); consumers read it back with
// the readers below and never guess paths.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from './contract.ts';

/** `corpus.json`: written by corpus steps (ljspeech, speech-corpus, download+ljspeech). */
export interface CorpusManifest {
  kind: 'corpus';
  /** Speaker label, for reports and cloning comparisons. */
  speaker: string;
  utterances: CorpusUtterance[];
  /** Items that were found but not usable, one reason each. */
  skipped: { file: string; reason: string }[];
}

export interface CorpusUtterance {
  id: string;
  /** Transcript as given (normalised column for LJSpeech). */
  text: string;
  /**
   * Path of the audio file: absolute for files outside the step's output (a user's corpus), or
   * relative to corpus.json for files inside it. readCorpus always returns absolute paths.
   */
  audio: string;
  /** sha256 of the audio file's bytes: the per-item feature cache key. */
  sha256: string;
  /** Seconds. */
  duration: number;
  sampleRate: number;
}

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
}

function readDoc<T extends { kind: string }>(dir: string, file: string, kind: string): T {
  const path = join(dir, file);
  if (!existsSync(path)) throw new UserError(`${path}: missing (is the upstream step a ${kind} step?)`);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as T;
  if (doc.kind !== kind) throw new UserError(`${path}: expected a ${kind} document, found '${doc.kind}'`);
  return doc;
}

export function readCorpus(dir: string): CorpusManifest {
  const doc = readDoc<CorpusManifest>(dir, 'corpus.json', 'corpus');
  return { ...doc, utterances: doc.utterances.map((u) => ({ ...u, audio: resolve(dir, u.audio) })) };
}
export const readFeatures = (dir: string): FeatureIndex => readDoc<FeatureIndex>(dir, 'features.json', 'features');

/** `synthesis.json`: written by `synthesize`. Paths relative to it. */
export interface SynthesisIndex {
  kind: 'synthesis';
  /** Speaker label of the voice that spoke (the Text2Mel's training corpus speaker). */
  speaker: string;
  sampleRate: number;
  sentences: SynthesizedSentence[];
  /** Sentences that could not be spoken, one reason each (their neighbours still are). */
  failed: { text: string; reason: string }[];
}

export interface SynthesizedSentence {
  id: string;
  text: string;
  wav: string;
  seconds: number;
  /** Reduced mel frames generated before the stop rule fired. */
  frames: number;
  alignmentPng?: string;
  melPng?: string;
}

export const readSynthesis = (dir: string): SynthesisIndex =>
  readDoc<SynthesisIndex>(dir, 'synthesis.json', 'synthesis');
