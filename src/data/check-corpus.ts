// `vcpipe check-data`: looks at a corpus before anyone trains on it. Lengths (histogram, clips
// and texts over the limits of the preprocess step that reads it, counted as that step counts
// them), characters outside the vocabulary, long silence at the ends, clipping, and transcripts
// whose speaking rate is far from the corpus's median (usually a transcript of another clip).
import type { CorpusManifest } from './corpus-manifest.ts';
import { DEFAULT_FEATURES, type FeatureConfig } from '../audio/feature-config.ts';
import { reducedFrames } from '../audio/features.ts';
import { resample } from '../audio/resample.ts';
import { trimBounds } from '../audio/trim.ts';
import { mixToMono, readWav } from '../audio/wav.ts';
import { TEXT2MEL_DEFAULT } from '../models/config.ts';
import { hasSpeakableText, normalizeText } from '../text/normalize.ts';
import { TEXT_CHARS, textToIds } from '../text/vocab.ts';

/** What the preprocess step reading the corpus keeps; check-data takes them from the pipeline. */
export interface PreprocessLimits {
  /** The step they come from; absent when no preprocess step reads the corpus (defaults). */
  step?: string;
  config: FeatureConfig;
  maxFrames: number;
  maxChars: number;
}

/** The default config's limits: the default Text2Mel's max_T and max_N (design note §2.1). */
export const DEFAULT_LIMITS: PreprocessLimits = { config: DEFAULT_FEATURES, maxFrames: TEXT2MEL_DEFAULT.maxT, maxChars: TEXT2MEL_DEFAULT.maxN };

export interface CheckOptions {
  limits?: PreprocessLimits;
  /** Characters the model can read after lower-casing and accent stripping (default: the vocabulary). */
  inVocabulary?: (ch: string) => boolean;
  /** Decode the audio for the silence and clipping checks (default true). */
  audio?: boolean;
  /** A speaking rate this many times above or below the median is suspicious (default 2). */
  rateFactor?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CharacterFinding {
  char: string;
  /** 'other': symbols, emoji, anything else outside the vocabulary. */
  kind: 'digit' | 'punctuation' | 'letter' | 'other';
  count: number;
  /** An utterance that contains it. */
  example: string;
}

export interface CheckReport {
  utterances: number;
  totalSeconds: number;
  shortestSeconds: number;
  medianSeconds: number;
  longestSeconds: number;
  /** One-second bins from 0 s. */
  histogram: { from: number; to: number; count: number }[];
  limits: PreprocessLimits;
  /** max_frames in seconds of trimmed audio. */
  maxSeconds: number;
  /** Clips over max_frames after trimming, as preprocess measures them. */
  tooLong: { id: string; duration: number; frames: number }[];
  /** Transcripts over max_chars symbols (end symbol included). */
  textTooLong: { id: string; symbols: number }[];
  /** Transcripts with no vocabulary character at all. */
  noText: { id: string; text: string }[];
  /** Clips the preprocess step will leave out, for any of the reasons above or undecodable audio. */
  dropped: number;
  characters: CharacterFinding[];
  silence: { id: string; leading: number; trailing: number }[];
  clipping: { id: string; fraction: number }[];
  medianCharsPerSecond: number;
  rateOutliers: { id: string; charsPerSecond: number; text: string }[];
  unreadable: { id: string; reason: string }[];
  /** Items the corpus step itself skipped. */
  skipped: number;
}

const SILENCE_DBFS = -40;
const SILENCE_SECONDS = 0.5;
const CLIP_FRACTION = 0.001;
/** 16-bit full scale is 32767/32768; anything at or above this counts as clipped. */
const FULL_SCALE = 0.9999;
const FRAME_SECONDS = 0.02;

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const foldCase = (s: string) => s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();

function kindOf(ch: string): CharacterFinding['kind'] {
  if (/\p{Nd}/u.test(ch)) return 'digit';
  if (/\p{P}/u.test(ch)) return 'punctuation';
  if (/\p{L}/u.test(ch)) return 'letter';
  return 'other';
}

export async function checkCorpus(corpus: CorpusManifest, opts: CheckOptions = {}): Promise<CheckReport> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const cfg = limits.config;
  const inVocabulary = opts.inVocabulary ?? ((ch: string) => TEXT_CHARS.has(ch));
  const rateFactor = opts.rateFactor ?? 2;
  const utts = corpus.utterances;
  const durations = utts.map((u) => u.duration);

  const bins = Math.max(1, Math.ceil(Math.max(0, ...durations)));
  const histogram = Array.from({ length: bins }, (_, i) => ({ from: i, to: i + 1, count: 0 }));
  for (const d of durations) histogram[Math.min(bins - 1, Math.floor(d))]!.count++;

  const chars = new Map<string, CharacterFinding>();
  for (const u of utts) {
    for (const ch of foldCase(u.text)) {
      if (inVocabulary(ch) || /\s/u.test(ch)) continue;
      const f = chars.get(ch) ?? { char: ch, kind: kindOf(ch), count: 0, example: u.id };
      f.count++;
      chars.set(ch, f);
    }
  }

  // The text checks of the preprocess step, in its order: no speakable text, then too long.
  const noText: CheckReport['noText'] = [];
  const textTooLong: CheckReport['textTooLong'] = [];
  for (const u of utts) {
    const { text } = normalizeText(u.text);
    if (!hasSpeakableText(text)) noText.push({ id: u.id, text: u.text });
    else if (textToIds(text).length > limits.maxChars) textTooLong.push({ id: u.id, symbols: textToIds(text).length });
  }

  // Speaking rate in vocabulary characters per second: what the model actually has to say.
  const rates = utts.map((u) => [...foldCase(u.text)].filter((ch) => inVocabulary(ch)).length / u.duration);
  const medianRate = median(rates);
  const rateOutliers = utts
    .map((u, i) => ({ id: u.id, charsPerSecond: rates[i]!, text: u.text }))
    .filter((r) => r.charsPerSecond > medianRate * rateFactor || r.charsPerSecond < medianRate / rateFactor);

  const silence: CheckReport['silence'] = [];
  const clipping: CheckReport['clipping'] = [];
  const unreadable: CheckReport['unreadable'] = [];
  const tooLong: CheckReport['tooLong'] = [];
  for (const [i, u] of utts.entries()) {
    if (opts.audio === false) {
      // Without the audio: the untrimmed length, an upper bound of what preprocess measures.
      const frames = reducedFrames(Math.round(u.duration * cfg.sample_rate), cfg);
      if (frames > limits.maxFrames) tooLong.push({ id: u.id, duration: u.duration, frames });
      continue;
    }
    try {
      const wav = readWav(u.audio);
      const x = mixToMono(wav.channels);
      const { leading, trailing } = endSilence(x, wav.sampleRate);
      if (leading > SILENCE_SECONDS || trailing > SILENCE_SECONDS) silence.push({ id: u.id, leading, trailing });
      let clipped = 0;
      for (let k = 0; k < x.length; k++) if (Math.abs(x[k]!) >= FULL_SCALE) clipped++;
      if (clipped / x.length > CLIP_FRACTION) clipping.push({ id: u.id, fraction: clipped / x.length });
      // Length as preprocess measures it: resampled to its rate, silence trimmed, in reduced frames.
      const { start, end } = trimBounds(await resample(x, wav.sampleRate, cfg.sample_rate), { topDb: cfg.top_db });
      const frames = reducedFrames(end - start, cfg);
      if (frames > limits.maxFrames) tooLong.push({ id: u.id, duration: u.duration, frames });
    } catch (err) {
      unreadable.push({ id: u.id, reason: (err as Error).message });
    }
    opts.onProgress?.(i + 1, utts.length);
  }
  const dropped = new Set([...noText, ...textTooLong, ...tooLong, ...unreadable].map((x) => x.id)).size;

  return {
    utterances: utts.length,
    totalSeconds: durations.reduce((a, b) => a + b, 0),
    shortestSeconds: durations.length ? Math.min(...durations) : 0,
    medianSeconds: median(durations),
    longestSeconds: durations.length ? Math.max(...durations) : 0,
    histogram,
    limits,
    maxSeconds: (limits.maxFrames * cfg.r * cfg.hop_length) / cfg.sample_rate,
    tooLong,
    textTooLong,
    noText,
    dropped,
    characters: [...chars.values()].sort((a, b) => b.count - a.count),
    silence,
    clipping,
    medianCharsPerSecond: medianRate,
    rateOutliers,
    unreadable,
    skipped: corpus.skipped.length,
  };
}

/** Seconds of 20 ms frames below −40 dBFS (RMS) at the start and at the end of the clip. */
export function endSilence(x: Float32Array, sampleRate: number): { leading: number; trailing: number } {
  const frame = Math.max(1, Math.round(sampleRate * FRAME_SECONDS));
  const frames = Math.ceil(x.length / frame);
  const threshold = 10 ** (SILENCE_DBFS / 20);
  const loud = (j: number) => {
    let sum = 0;
    const end = Math.min(x.length, (j + 1) * frame);
    for (let k = j * frame; k < end; k++) sum += x[k]! * x[k]!;
    return Math.sqrt(sum / (end - j * frame)) >= threshold;
  };
  let first = 0;
  while (first < frames && !loud(first)) first++;
  if (first === frames) return { leading: x.length / sampleRate, trailing: x.length / sampleRate };
  let last = frames - 1;
  while (last > first && !loud(last)) last--;
  return { leading: (first * frame) / sampleRate, trailing: Math.max(0, x.length - (last + 1) * frame) / sampleRate };
}

export { formatCheckReport } from './format-check-report.ts';
