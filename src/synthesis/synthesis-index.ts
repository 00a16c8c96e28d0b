// `synthesis.json`: the document `synthesize` writes at the root of its output (atomically).
import { readDoc } from '../util/read-doc.ts';

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
