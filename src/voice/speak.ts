// The lean speaking path shared by `say` and `serve`: text → pieces (split-text.ts) → Text2Mel
// mels in one batch (incremental decoder) → SSRN + Griffin-Lim per piece → peak-normalised
// waveform. Unlike synthesizeSentences it keeps the voice loaded and draws no plots.
import { UserError } from '../errors.ts';
import { generateIncremental } from '../synthesis/incremental-decoder.ts';
import type { GeneratedMel } from '../synthesis/generation-state.ts';
import type { Voice } from '../synthesis/load-voice.ts';
import { joinWithPauses, melToWave } from '../synthesis/mel-to-wave.ts';
import { splitForSynthesis, type TextPiece } from '../synthesis/split-text.ts';

export interface SpeakSettings {
  griffinLimIters: number;
  power: number;
  pauseSeconds: number;
  /** Reduced frames per piece at most; default the Text2Mel's max_T. */
  maxFrames?: number;
}

/** The pieces the voice speaks `text` in; unspeakable text is a UserError with the reason. */
export function piecesOf(voice: Voice, text: string): TextPiece[] {
  const split = splitForSynthesis(text, voice.text2mel.config.maxN);
  if (!split.ok) throw new UserError(`cannot say that: ${split.reason}`);
  return split.pieces;
}

/** Mels of pieces generated together (one decoder batch). */
export function generateMels(voice: Voice, pieces: TextPiece[], s: SpeakSettings): GeneratedMel[] {
  return generateIncremental(voice.text2mel, pieces.map((p) => p.ids), { maxFrames: s.maxFrames ?? voice.text2mel.config.maxT });
}

/** One generated mel → its waveform, peak-normalised like a whole sentence (joinWithPauses). */
export function vocode(voice: Voice, g: GeneratedMel, s: SpeakSettings): Float32Array {
  const wave = melToWave(g.mel, g.frames, voice.features, voice.ssrn, { iters: s.griffinLimIters, power: s.power });
  return joinWithPauses([wave], voice.features.sample_rate, 0);
}

/** `text` as one waveform: its pieces generated in batches of `batchSize`, joined with pauses. */
export function speakText(voice: Voice, text: string, s: SpeakSettings, batchSize = 8): Float32Array {
  const pieces = piecesOf(voice, text);
  const waves: Float32Array[] = [];
  for (let i = 0; i < pieces.length; i += batchSize) {
    for (const g of generateMels(voice, pieces.slice(i, i + batchSize), s)) {
      waves.push(melToWave(g.mel, g.frames, voice.features, voice.ssrn, { iters: s.griffinLimIters, power: s.power }));
    }
  }
  return joinWithPauses(waves, voice.features.sample_rate, s.pauseSeconds);
}
