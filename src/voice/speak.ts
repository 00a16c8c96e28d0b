// The lean speaking path shared by `say` and `serve`: text → pieces (split-text.ts) → Text2Mel
// mels in one batch (incremental decoder) → the voice's vocoder per piece → peak-normalised
// waveform. Unlike synthesizeSentences it keeps the voice loaded and draws no plots.
import { UserError } from '../errors.ts';
import { generateIncremental } from '../synthesis/incremental-decoder.ts';
import type { GeneratedMel } from '../synthesis/generation-state.ts';
import { joinWithPauses } from '../synthesis/join-pieces.ts';
import { splitForSynthesis, type TextPiece } from '../synthesis/split-text.ts';
import type { SpeakingVoice } from '../synthesis/speaking-voice.ts';

/** The pieces the voice speaks `text` in; unspeakable text is a UserError with the reason. */
export function piecesOf(v: SpeakingVoice, text: string): TextPiece[] {
  const split = splitForSynthesis(text, v.voice.text2mel.config.maxN, v.voice.features.text);
  if (!split.ok) throw new UserError(`cannot say that: ${split.reason}`);
  return split.pieces;
}

/** Mels of pieces generated together (one decoder batch), each at most `maxFrames` reduced frames (default the Text2Mel's max_T). */
export function generateMels(v: SpeakingVoice, pieces: TextPiece[], maxFrames?: number): GeneratedMel[] {
  return generateIncremental(v.voice.text2mel, pieces.map((p) => p.ids), { maxFrames: maxFrames ?? v.voice.text2mel.config.maxT });
}

/** One generated mel → its waveform, peak-normalised like a whole sentence (joinWithPauses). */
export function vocode(v: SpeakingVoice, g: GeneratedMel): Float32Array {
  return joinWithPauses([v.vocoder.melToWave(g.mel, g.frames)], v.voice.features.sample_rate, 0);
}

/** `text` as one waveform: its pieces generated in batches of `batchSize`, joined with the voice's pauses. */
export function speakText(v: SpeakingVoice, text: string, maxFrames?: number, batchSize = 8): Float32Array {
  const pieces = piecesOf(v, text);
  const waves: Float32Array[] = [];
  for (let i = 0; i < pieces.length; i += batchSize) {
    for (const g of generateMels(v, pieces.slice(i, i + batchSize), maxFrames)) waves.push(v.vocoder.melToWave(g.mel, g.frames));
  }
  return joinWithPauses(waves, v.voice.features.sample_rate, v.pauseSeconds);
}
