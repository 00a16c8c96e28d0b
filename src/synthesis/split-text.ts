// Input text → the pieces Text2Mel speaks one at a time. A paragraph is split at sentence
// boundaries (. ? ! ;); a sentence whose ids exceed the model's max_N (docs/design.md §1.2: incl. E)
// is split further at commas, then at word boundaries. Each piece is expanded and normalised for
// synthesis (§1.2, with trimming); the pieces of one input are later joined with short pauses.
import { expandText } from '../text/expand.ts';
import { hasSpeakableText, normalizeText } from '../text/normalize.ts';
import { textToIds } from '../text/vocab.ts';

export interface TextPiece {
  /** Normalised text (vocabulary characters only). */
  normalized: string;
  /** Symbol ids incl. the end symbol E. */
  ids: number[];
}

export type SplitResult = { ok: true; pieces: TextPiece[]; dropped: string[] } | { ok: false; reason: string };

/** Sentence ends: . ? ! ; followed by whitespace or the end (after number/abbreviation expansion). */
const SENTENCE_END = /(?<=[.?!;])\s+/;

const pieceOf = (normalized: string): TextPiece => ({ normalized, ids: textToIds(normalized) });

/** Greedy packing of already-normalised parts (joined by `sep`) into pieces of ≤ maxN ids. */
function pack(parts: string[], sep: string, maxN: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of parts) {
    const joined = cur ? cur + sep + part : part;
    if (joined.length + 1 <= maxN || !cur) cur = joined;
    else {
      out.push(cur);
      cur = part;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** One sentence → pieces of ≤ maxN ids, or the word that cannot fit. */
function fitSentence(sentence: string, maxN: number): { pieces: string[] } | { tooLong: string } {
  const whole = normalizeText(sentence).text;
  if (whole.length + 1 <= maxN) return { pieces: [whole] };
  const clauses = sentence.split(',').map((c) => normalizeText(c).text).filter((c) => c);
  const fitted: string[] = [];
  for (const clause of clauses) {
    if (clause.length + 1 <= maxN) fitted.push(clause);
    else {
      const words = clause.split(' ');
      const long = words.find((w) => w.length + 1 > maxN);
      if (long) return { tooLong: long };
      fitted.push(...pack(words, ' ', maxN));
    }
  }
  return { pieces: pack(fitted, ' ', maxN) };
}

/** Split one input (a sentence or a paragraph) into speakable pieces for a model with `maxN`. */
export function splitForSynthesis(raw: string, maxN: number): SplitResult {
  const expanded = expandText(raw);
  const dropped = new Set<string>();
  const pieces: TextPiece[] = [];
  for (const sentence of expanded.split(SENTENCE_END)) {
    const norm = normalizeText(sentence);
    norm.dropped.forEach((c) => dropped.add(c));
    if (!hasSpeakableText(norm.text)) continue; // "..." between sentences: nothing to say
    const fit = fitSentence(sentence, maxN);
    if ('tooLong' in fit) {
      return { ok: false, reason: `the word '${fit.tooLong.slice(0, 40)}' has ${fit.tooLong.length} characters; the model speaks at most ${maxN - 1} at a time (max_N ${maxN})` };
    }
    pieces.push(...fit.pieces.filter(hasSpeakableText).map(pieceOf));
  }
  if (pieces.length === 0) {
    if (!raw.trim()) return { ok: false, reason: 'empty sentence' };
    const what = dropped.size ? ` (unsupported characters: ${[...dropped].slice(0, 10).join(' ')})` : '';
    return { ok: false, reason: `nothing speakable: no letters after normalisation${what}` };
  }
  return { ok: true, pieces, dropped: [...dropped] };
}
