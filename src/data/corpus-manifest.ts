// `corpus.json`: the document every corpus step (ljspeech, speech-corpus, download + ljspeech)
// writes at the root of its output, atomically; consumers read it back with readCorpus.
import { resolve } from 'node:path';
import { readDoc } from '../util/read-doc.ts';

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
  /**
   * The teacher's alignment (speech-corpus with `phone_durations: true`): each phone flite spoke,
   * `pau` included, and the second of the WAV it ends at.
   */
  durations?: { phones: string[]; ends: number[] };
}

export function readCorpus(dir: string): CorpusManifest {
  const doc = readDoc<CorpusManifest>(dir, 'corpus.json', 'corpus');
  return { ...doc, utterances: doc.utterances.map((u) => ({ ...u, audio: resolve(dir, u.audio) })) };
}
