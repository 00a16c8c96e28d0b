// The phone front end (docs/design.md §1.3): flite's own letter-to-sound (`t2p`, Debian's flite
// package), so the model reads the phones the teacher voice spoke, numbers and all. Stress digits
// are dropped; `pau` marks flite's pauses (commas, sentence ends). The silence flite puts at both
// ends is dropped too: preprocessing trims it from the audio.
import { execFile, execFileSync } from 'node:child_process';

/**
 * flite's US English phone set (cmulex, the `rms`/`slt`/`kal` voices' lexicon), with `P` (0,
 * padding) and `E` (1, end) first as in the character vocabulary, then `pau`.
 */
export const PHONES = [
  'P', 'E', 'pau',
  'aa', 'ae', 'ah', 'ao', 'aw', 'ax', 'axr', 'ay', 'b', 'ch', 'd', 'dh', 'eh', 'el', 'em', 'en', 'er', 'ey', 'f', 'g',
  'hh', 'ih', 'iy', 'jh', 'k', 'l', 'm', 'n', 'ng', 'nx', 'ow', 'oy', 'p', 'r', 's', 'sh', 't', 'th', 'uh', 'uw', 'v',
  'w', 'y', 'z', 'zh',
] as const;
export const PHONE_VOCAB_SIZE = PHONES.length;
const ID_OF = new Map<string, number>(PHONES.map((p, i) => [p, i]));

/** The binary; a test or a user without it on PATH sees one clear line (phoneMissing). */
export const T2P = 't2p';

/** Phones of one line of t2p output: stress digits dropped, the leading and trailing pauses too. */
export function parseT2p(stdout: string): string[] {
  const phones = stdout.trim().split(/\s+/).filter(Boolean).map((p) => p.replace(/[0-9]+$/, ''));
  while (phones[0] === 'pau') phones.shift();
  while (phones.at(-1) === 'pau') phones.pop();
  return phones;
}

/** Ids of phones plus E; throws on a phone outside the set (a newer flite's phone set). */
export function phonesToIds(phones: string[]): number[] {
  const ids = phones.map((p) => {
    const id = ID_OF.get(p);
    if (id === undefined || id <= 1) throw new Error(`phonesToIds: '${p}' is not a phone of the vocabulary`);
    return id;
  });
  ids.push(1);
  return ids;
}

/** Inverse of phonesToIds for display: drops padding, stops at E. */
export function idsToPhones(ids: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length && ids[i] !== 1; i++) if (ids[i] !== 0) out.push(PHONES[ids[i]]);
  return out;
}

/** Accents off (t2p reads ASCII), whitespace runs to one space: what t2p is given. */
export const t2pInput = (text: string): string => text.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/\s+/g, ' ').trim();

const missing = (err: unknown) => (err as { code?: string }).code === 'ENOENT';
const MISSING = `${T2P} (flite's letter-to-sound) not found — install it with: sudo apt-get install flite`;

/** Phones of one text, synchronously (synthesis: one piece at a time, ~2 ms a call). */
export function textToPhonesSync(text: string): string[] {
  if (!/[A-Za-z0-9]/.test(text)) return []; // t2p fails on an empty text
  try {
    return parseT2p(execFileSync(T2P, [t2pInput(text)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    throw missing(err) ? new Error(MISSING) : err;
  }
}

/** Phones of one text in a child process that does not block the event loop (preprocessing runs many side by side). */
export function textToPhones(text: string, signal?: AbortSignal): Promise<string[]> {
  if (!/[A-Za-z0-9]/.test(text)) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    execFile(T2P, [t2pInput(text)], { encoding: 'utf8', signal }, (err, stdout) => {
      if (err) reject(missing(err) ? new Error(MISSING) : err);
      else resolve(parseT2p(stdout));
    });
  });
}
