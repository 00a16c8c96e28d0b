// The 32-symbol character vocabulary of docs/design.md §1.1: P (pad), E (end), space, a–z, ' . ?
// The `chars-pauses` front end (§1.2) adds the pause symbol `,` as id 32.
export const VOCAB = "PE abcdefghijklmnopqrstuvwxyz'.?";
export const PAD_ID = 0;
export const END_ID = 1;
export const VOCAB_SIZE = VOCAB.length;
/** Where flite pauses (commas, semicolons, colons, dashes), `chars-pauses` text holds this symbol. */
export const PAUSE_CHAR = ',';
export const VOCAB_WITH_PAUSE = VOCAB + PAUSE_CHAR;

const ID_OF = new Map<string, number>([...VOCAB_WITH_PAUSE].map((ch, i) => [ch, i]));

/** Characters normalised text may contain (the vocabulary without the control symbols P and E). */
export const TEXT_CHARS = new Set(VOCAB.slice(2));

/** Ids of already-normalised text plus the end symbol E; throws on a character outside the vocabulary (`,` only with pauses). */
export function textToIds(normalized: string, opts: { pauses?: boolean } = {}): number[] {
  const ids: number[] = [];
  for (const ch of normalized) {
    const id = ID_OF.get(ch);
    if (id === undefined || id <= END_ID || (ch === PAUSE_CHAR && !opts.pauses)) throw new Error(`textToIds: '${ch}' is not a text symbol of the vocabulary`);
    ids.push(id);
  }
  ids.push(END_ID);
  return ids;
}

/** Inverse of textToIds for display: drops padding, stops at E. */
export function idsToText(ids: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === END_ID) break;
    if (ids[i] !== PAD_ID) out += VOCAB_WITH_PAUSE[ids[i]];
  }
  return out;
}
