// `evaluation.json`: written atomically by the `evaluate` step at the root of its output; read by
// `vcpipe report` and by voice export (the model card's held-out WER).
import type { SignalSanity } from './signal-sanity.ts';

export interface EvaluationDoc {
  kind: 'evaluation';
  speaker: string;
  /** wer, wer_ci95_low/high (bootstrap over sentences), reference_wer, wer_same_sentences, wer_note, signal sanity means, F0 medians, closer_to_target. */
  summary: Record<string, number | string | boolean>;
  similarity?: { f0Semitones: { target: number; base: number }; cepstralDistance: { target: number; base: number }; closerToTarget: boolean };
  sentences: EvaluatedSentence[];
}

export interface EvaluatedSentence extends SignalSanity {
  /** The synthesised sentence's id in the synthesize step's synthesis.json. */
  id: string;
  text: string;
  /** What the recogniser heard in the model's audio, and its word error rate. */
  hypothesis?: string;
  wer?: number;
  /** The teacher's utterance of the same sentence (its id in the reference corpus) and what the recogniser heard in it. */
  reference_id?: string;
  reference_hypothesis?: string;
}
