// Sentences → WAVs with a trained voice: split and normalise the text (split-text.ts), generate
// mels in batches with the incremental decoder (§6.3), vocode (§6.4, vocoders/), write per input
// `wavs/<id>.wav` (16-bit), `plots/<id>.alignment.png` and `plots/<id>.mel.png`. An input that
// cannot be spoken is reported in `failed` and does not stop the others.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../audio/wav.ts';
import { writeAlignmentPng, writeSpectrogramPng } from '../plots/plots.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import type { SynthesizedSentence } from './synthesis-index.ts';
import { UserError } from '../errors.ts';
import { generateIncremental } from './incremental-decoder.ts';
import type { GeneratedMel } from './generation-state.ts';
import { joinWithPauses, PAUSE_SECONDS } from './join-pieces.ts';
import { loadVoice, type CheckpointChoice } from './load-voice.ts';
import { speakingVoice } from './speaking-voice.ts';
import { splitForSynthesis, type TextPiece } from './split-text.ts';
import { chooseVocoder } from './vocoders/registry.ts';

export interface SynthesizeOptions {
  text2melDir: string;
  /** A vocoder name (vocoders/registry.ts); default: chosen there by whether `ssrnDir` is given. */
  vocoder?: string;
  /** The train-ssrn output, for a vocoder that needs one. */
  ssrnDir?: string;
  sentences: string[];
  which: CheckpointChoice;
  /** The SSRN's checkpoint, when it differs from `which` (default: the same). */
  ssrnWhich?: CheckpointChoice;
  /** Reduced frames per piece at most; default the Text2Mel's max_T. */
  maxFrames?: number;
  /** Vocoder settings; undefined: the vocoder's defaults for the voice's features. */
  griffinLimIters?: number;
  power?: number;
  griffinLimHop?: number;
  outDir: string;
  /** Pieces generated together by the decoder. */
  batchSize: number;
  log: (line: string) => void;
  warn: (line: string) => void;
  /** Inputs finished (written or failed) out of all. */
  onProgress?: (done: number, total: number) => void;
}

export interface SynthesisResult {
  sentences: SynthesizedSentence[];
  failed: { text: string; reason: string }[];
  sampleRate: number;
  features: FeatureConfig;
  speaker?: string;
  /** The vocoder's name (vocoders/registry.ts). */
  vocoder: string;
  /** Seconds of audio written, and wall seconds from loading the models to the last WAV. */
  audioSeconds: number;
  wallSeconds: number;
}

/** Stable ids by input position, so a failed input leaves a gap rather than renaming the rest. */
const idOf = (i: number, total: number) => `s${String(i + 1).padStart(Math.max(2, String(total).length), '0')}`;

/** Text positions worth drawing: the sentence (incl. E) and wherever the attention went beyond it. */
function alignmentRows(g: GeneratedMel): number {
  return Math.min(g.nPadded, Math.max(g.textLength, ...g.positions) + 1);
}

/** The pieces' alignments side by side: [rows, Σ frames] row-major (text position × frame). */
function joinAlignments(gs: GeneratedMel[]): { matrix: Float32Array; rows: number; cols: number } {
  const rows = Math.max(...gs.map(alignmentRows));
  const cols = gs.reduce((a, g) => a + g.frames, 0);
  const matrix = new Float32Array(rows * cols);
  let col = 0;
  for (const g of gs) {
    for (let t = 0; t < g.frames; t++) for (let n = 0; n < Math.min(rows, g.nPadded); n++) matrix[n * cols + col + t] = g.alignment[t * g.nPadded + n];
    col += g.frames;
  }
  return { matrix, rows, cols };
}

function joinMels(gs: GeneratedMel[], nMels: number): Float32Array {
  const out = new Float32Array(gs.reduce((a, g) => a + g.frames, 0) * nMels);
  let off = 0;
  for (const g of gs) {
    out.set(g.mel, off);
    off += g.mel.length;
  }
  return out;
}

export async function synthesizeSentences(o: SynthesizeOptions): Promise<SynthesisResult> {
  const started = performance.now();
  const vocoder = await chooseVocoder(o.vocoder, o.ssrnDir !== undefined);
  const speaking = speakingVoice(loadVoice(o.text2melDir, o.which), vocoder, {
    text2melDir: o.text2melDir, ssrnDir: o.ssrnDir, ssrnWhich: o.ssrnWhich ?? o.which,
    griffinLimIters: o.griffinLimIters, power: o.power, griffinLimHop: o.griffinLimHop,
  }, PAUSE_SECONDS);
  const { voice, vocoder: vocode } = speaking;
  try {
    const cfg = voice.features;
    const { maxN, maxT, nMels } = voice.text2mel.config;
    const maxFrames = o.maxFrames ?? maxT;
    if (!(Number.isInteger(maxFrames) && maxFrames >= 1)) throw new UserError(`max_frames must be a whole number ≥ 1, got ${maxFrames}`);
    if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1)) throw new UserError(`batch_size must be a whole number ≥ 1, got ${o.batchSize}`);
    o.log(`voice: ${speaking.summary}`);

    const total = o.sentences.length;
    const failed: SynthesisResult['failed'] = [];
    const inputs: { index: number; text: string; pieces: TextPiece[] }[] = [];
    o.sentences.forEach((text, index) => {
      const split = splitForSynthesis(text, maxN, voice.features.text);
      if (!split.ok) {
        failed.push({ text, reason: split.reason });
        o.warn(`${idOf(index, total)}: not spoken — ${split.reason}`);
        return;
      }
      if (split.dropped.length) o.warn(`${idOf(index, total)}: unsupported characters dropped: ${split.dropped.join(' ')}`);
      inputs.push({ index, text, pieces: split.pieces });
    });
    let done = failed.length;
    o.onProgress?.(done, total);

    // Generate every piece of every input, batch by batch.
    const all = inputs.flatMap((input) => input.pieces);
    const mels: GeneratedMel[] = [];
    for (let i = 0; i < all.length; i += o.batchSize) {
      mels.push(...generateIncremental(voice.text2mel, all.slice(i, i + o.batchSize).map((p) => p.ids), { maxFrames }));
    }

    mkdirSync(join(o.outDir, 'wavs'), { recursive: true });
    mkdirSync(join(o.outDir, 'plots'), { recursive: true });
    const sentences: SynthesizedSentence[] = [];
    let audioSeconds = 0;
    let next = 0;
    for (const input of inputs) {
      const id = idOf(input.index, total);
      const gs = mels.slice(next, next + input.pieces.length);
      next += input.pieces.length;
      const waves = gs.map((g) => vocode.melToWave(g.mel, g.frames));
      const wave = joinWithPauses(waves, cfg.sample_rate, speaking.pauseSeconds);
      const wav = join('wavs', `${id}.wav`);
      writeWav(join(o.outDir, wav), [wave], cfg.sample_rate, 'pcm16');
      const frames = gs.reduce((a, g) => a + g.frames, 0);
      const alignmentPng = join('plots', `${id}.alignment.png`);
      const a = joinAlignments(gs);
      writeAlignmentPng(join(o.outDir, alignmentPng), a.matrix, a.rows, a.cols, { title: `attention: ${input.text.slice(0, 60)}` });
      const melPng = join('plots', `${id}.mel.png`);
      writeSpectrogramPng(join(o.outDir, melPng), joinMels(gs, nMels), frames, nMels, { title: `mel: ${input.text.slice(0, 60)}` });
      const seconds = wave.length / cfg.sample_rate;
      audioSeconds += seconds;
      const unfinished = gs.filter((g) => g.stoppedBy === 'max_frames').length;
      o.log(`${id}: ${seconds.toFixed(2)} s, ${frames} frames in ${gs.length} piece(s)${unfinished ? `, ${unfinished} cut at max_frames ${maxFrames}` : ''}`);
      sentences.push({ id, text: input.text, wav, seconds, frames, alignmentPng, melPng });
      o.onProgress?.(++done, total);
    }
    return {
      sentences, failed, sampleRate: cfg.sample_rate, features: cfg, speaker: voice.speaker, vocoder: vocoder.name,
      audioSeconds, wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    speaking.dispose();
  }
}
