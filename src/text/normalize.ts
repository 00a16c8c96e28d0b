// Text normalisation of docs/design.md §1.2, its first five steps, in that exact order. Ids (steps 6–7)
// come from textToIds in vocab.ts.
import { PAUSE_CHAR, TEXT_CHARS } from './vocab.ts';

/** Punctuation that is expected to become a word break; anything else dropped is reported. */
const SEPARATORS = new Set([...',!-;:"()[]{}/\\…–—‘’“”«»']);

export interface NormalizedText {
  /** Vocabulary characters only (no end symbol). */
  text: string;
  /** Distinct characters replaced by a space that are neither whitespace nor separators (digits, symbols). */
  dropped: string[];
}

/** Marks flite pauses at; with `pauses` each becomes the pause symbol (a spaced hyphen too, below). */
const PAUSE_MARKS = new Set([...',;:—–']);

/**
 * §1.2: NFD + drop Mn marks, lower-case, non-vocabulary → space, collapse spaces, optional trim.
 * `pauses` (the chars-pauses front end): pause marks become `,` written as "word, word", never
 * at either end, never doubled.
 */
export function normalizeText(raw: string, opts: { trim?: boolean; pauses?: boolean } = {}): NormalizedText {
  let lowered = raw.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
  if (opts.pauses) lowered = lowered.replace(/\s-+\s/g, ` ${PAUSE_CHAR} `);
  const dropped = new Set<string>();
  let replaced = '';
  for (const ch of lowered) {
    if (TEXT_CHARS.has(ch)) {
      replaced += ch;
      continue;
    }
    if (opts.pauses && PAUSE_MARKS.has(ch)) {
      replaced += ` ${PAUSE_CHAR} `;
      continue;
    }
    if (!/\s/u.test(ch) && !SEPARATORS.has(ch)) dropped.add(ch);
    replaced += ' ';
  }
  let collapsed = replaced.replace(/ {2,}/g, ' ');
  if (opts.pauses) {
    // " , , " → ", "; none before a full stop or question mark, nor at either end.
    collapsed = collapsed.replace(/ ?,( ?,)* ?/g, ', ').replace(/, ([.?])/g, ' $1').replace(/^ ?, ?/, '').replace(/ ?, ?$/, '');
    collapsed = collapsed.replace(/ {2,}/g, ' ');
  }
  return { text: opts.trim === false ? collapsed : collapsed.trim(), dropped: [...dropped] };
}

/** True when the normalised text holds at least one letter (anything worth speaking). */
export function hasSpeakableText(normalized: string): boolean {
  return /[a-z]/.test(normalized);
}
