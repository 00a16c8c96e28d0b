// Input text → the pieces Text2Mel speaks one at a time. A paragraph is split at sentence
// boundaries (. ? ! ;); a sentence whose ids exceed the model's max_N (docs/design.md §1.2: incl. E)
// is split further at commas, then at word boundaries. Each piece is expanded and encoded with the
// voice's text front end (§1: characters normalised with trimming, or phones); the pieces of one
// input are later joined with short pauses.
import { expandText } from '../text/expand.ts';
import { encodeText, type TextFrontEnd } from '../text/front-end.ts';
import { normalizeText } from '../text/normalize.ts';

export interface TextPiece {
  /** What the model reads: normalised text (vocabulary characters only), or phones. */
  normalized: string;
  /** Symbol ids incl. the end symbol E. */
  ids: number[];
}

export type SplitResult = { ok: true; pieces: TextPiece[]; dropped: string[] } | { ok: false; reason: string };

/** Sentence ends: . ? ! ; followed by whitespace or the end (after number/abbreviation expansion). */
const SENTENCE_END = /(?<=[.?!;])\s+/;

type Encode = (raw: string) => TextPiece & { speakable: boolean };

/** Greedy packing of raw parts (joined by `sep`) into pieces of ≤ maxN ids. */
function pack(parts: string[], sep: string, maxN: number, encode: Encode): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of parts) {
    const joined = cur ? cur + sep + part : part;
    if (!cur || encode(joined).ids.length <= maxN) cur = joined;
    else {
      out.push(cur);
      cur = part;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** One sentence → raw pieces of ≤ maxN ids each, or the word that cannot fit. */
function fitSentence(sentence: string, maxN: number, encode: Encode): { pieces: string[] } | { tooLong: string } {
  if (encode(sentence).ids.length <= maxN) return { pieces: [sentence] };
  const clauses = sentence.split(',').map((c) => c.trim()).filter((c) => encode(c).speakable);
  const fitted: string[] = [];
  for (const clause of clauses) {
    if (encode(clause).ids.length <= maxN) fitted.push(clause);
    else {
      const words = clause.split(/\s+/);
      const long = words.find((w) => encode(w).ids.length > maxN);
      if (long) return { tooLong: long };
      fitted.push(...pack(words, ' ', maxN, encode));
    }
  }
  return { pieces: pack(fitted, ', ', maxN, encode) };
}

/** Split one input (a sentence or a paragraph) into speakable pieces for a model with `maxN` and front end `text`. */
export function splitForSynthesis(raw: string, maxN: number, text?: TextFrontEnd): SplitResult {
  const cache = new Map<string, ReturnType<Encode>>();
  const encode: Encode = (s) => {
    let e = cache.get(s);
    if (!e) cache.set(s, (e = encodeText(text, s)));
    return e;
  };
  const expanded = expandText(raw);
  const dropped = new Set<string>();
  const pieces: TextPiece[] = [];
  for (const sentence of expanded.split(SENTENCE_END)) {
    if (text !== 'phones') normalizeText(sentence).dropped.forEach((c) => dropped.add(c)); // t2p reads digits and symbols itself
    if (!encode(sentence).speakable) continue; // "..." between sentences: nothing to say
    const fit = fitSentence(sentence, maxN, encode);
    if ('tooLong' in fit) {
      const unit = text === 'phones' ? 'phones' : 'characters';
      const word = text === 'phones' ? fit.tooLong : encode(fit.tooLong).normalized;
      return { ok: false, reason: `the word '${word.slice(0, 40)}' has ${encode(fit.tooLong).ids.length - 1} ${unit}; the model speaks at most ${maxN - 1} at a time (max_N ${maxN})` };
    }
    for (const piece of fit.pieces) {
      const e = encode(piece);
      if (e.speakable) pieces.push({ normalized: e.normalized, ids: e.ids });
    }
  }
  if (pieces.length === 0) {
    if (!raw.trim()) return { ok: false, reason: 'empty sentence' };
    const what = dropped.size ? ` (unsupported characters: ${[...dropped].slice(0, 10).join(' ')})` : '';
    return { ok: false, reason: `nothing speakable: no letters after normalisation${what}` };
  }
  return { ok: true, pieces, dropped: [...dropped] };
}
