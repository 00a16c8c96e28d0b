// The text front ends a voice can be trained with (docs/design.md §1): the choice is made in the
// `preprocess` step (`text:`), recorded in features.json's config and from there in model.json and
// voice files, so training, synthesis, `say` and `serve` read text the same way.
// - chars (also when `text` is absent): the 32 characters of §1.1, punctuation but . ? dropped;
// - chars-pauses: the same plus the pause symbol `,` where flite pauses (§1.2);
// - phones: flite's letter-to-sound phones with `pau` (phones.ts).
import { hasSpeakableText, normalizeText } from './normalize.ts';
import { PHONE_VOCAB_SIZE, PHONES, phonesToIds, textToPhonesSync } from './phones.ts';
import { textToIds, VOCAB, VOCAB_SIZE, VOCAB_WITH_PAUSE } from './vocab.ts';

export type TextFrontEnd = 'chars' | 'chars-pauses' | 'phones';
export const TEXT_FRONT_ENDS: TextFrontEnd[] = ['chars', 'chars-pauses', 'phones'];

export interface EncodedText {
  /** What the model reads, for display: normalised characters, or phones separated by spaces. */
  normalized: string;
  /** Symbol ids including the end symbol E. */
  ids: number[];
  /** Characters the character front ends read as spaces that are not separators (digits, symbols). */
  dropped: string[];
  /** False when there is nothing to say (no letter, no phone). */
  speakable: boolean;
}

/** Embedding rows a Text2Mel needs for the front end. */
export function vocabSizeOf(fe: TextFrontEnd | undefined): number {
  return fe === 'phones' ? PHONE_VOCAB_SIZE : fe === 'chars-pauses' ? VOCAB_SIZE + 1 : VOCAB_SIZE;
}

/** The vocabulary as one string (a voice file records it and refuses to load under another). */
export function vocabOf(fe: TextFrontEnd | undefined): string {
  return fe === 'phones' ? PHONES.join(' ') : fe === 'chars-pauses' ? VOCAB_WITH_PAUSE : VOCAB;
}

/** Phones as the model's input: ids and the display form. */
export function encodePhones(phones: string[]): EncodedText {
  return { normalized: phones.join(' '), ids: phonesToIds(phones), dropped: [], speakable: phones.some((p) => p !== 'pau') };
}

/** A character front end's encoding of raw text (synchronous: no process to run). */
export function encodeChars(raw: string, pauses: boolean): EncodedText {
  const { text, dropped } = normalizeText(raw, { pauses });
  return { normalized: text, ids: textToIds(text, { pauses }), dropped, speakable: hasSpeakableText(text) };
}

/** Raw text → what the model reads, with the front end it was trained with (phones: one t2p call). */
export function encodeText(fe: TextFrontEnd | undefined, raw: string): EncodedText {
  if (fe === 'phones') return encodePhones(textToPhonesSync(raw));
  return encodeChars(raw, fe === 'chars-pauses');
}
