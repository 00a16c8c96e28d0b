// English expansion for synthesis: abbreviations, currency, percentages, ordinals, years,
// decimals and plain numbers become words, then the §1.2 normalisation (with trimming) runs.
import { cardinal, digitByDigit, ordinal, year } from './number-words.ts';
import { normalizeText } from './normalize.ts';
import { textToIds } from './vocab.ts';

/** Abbreviations with a full stop, matched case-insensitively at a word start. */
const ABBREVIATIONS: [string, string][] = [
  ['mrs', 'misses'], ['mr', 'mister'], ['ms', 'miz'], ['dr', 'doctor'], ['st', 'saint'], ['jr', 'junior'],
  ['sr', 'senior'], ['prof', 'professor'], ['gen', 'general'], ['gov', 'governor'], ['capt', 'captain'],
  ['col', 'colonel'], ['lt', 'lieutenant'], ['sgt', 'sergeant'], ['maj', 'major'], ['rev', 'reverend'],
  ['hon', 'honorable'], ['mt', 'mount'], ['ft', 'fort'], ['co', 'company'], ['corp', 'corporation'],
  ['inc', 'incorporated'], ['ltd', 'limited'], ['vs', 'versus'], ['approx', 'approximately'], ['dept', 'department'],
  ['no', 'number'],
];

const CURRENCIES: Record<string, [string, string, string, string]> = {
  $: ['dollar', 'dollars', 'cent', 'cents'],
  '£': ['pound', 'pounds', 'penny', 'pence'],
  '€': ['euro', 'euros', 'cent', 'cents'],
};

function plural(digits: string, one: string, many: string): string {
  return `${cardinal(digits)} ${Number(digits) === 1 ? one : many}`;
}

function money(symbol: string, whole: string, fraction: string | undefined): string {
  const [one, many, subOne, subMany] = CURRENCIES[symbol];
  const units = whole.replace(/,/g, '') || '0';
  const sub = fraction === undefined ? 0 : Number(fraction.padEnd(2, '0').slice(0, 2));
  const parts: string[] = [];
  if (Number(units) > 0 || sub === 0) parts.push(plural(units, one, many));
  if (sub > 0) parts.push(plural(String(sub), subOne, subMany));
  return parts.join(' ');
}

function decimal(whole: string, fraction: string): string {
  return `${cardinal(whole || '0')} point ${digitByDigit(fraction)}`;
}

/** Words for numbers and symbols; the result still needs normalizeText. */
export function expandText(raw: string): string {
  let s = raw.replace(/[‘’]/g, "'").replace(/&/g, ' and ');
  s = s.replace(/\betc\.(?=\s*$)/gi, 'et cetera.').replace(/\betc\./gi, 'et cetera');
  s = s.replace(/\be\.g\./gi, 'for example').replace(/\bi\.e\./gi, 'that is');
  for (const [abbr, full] of ABBREVIATIONS) {
    const pattern = abbr === 'no' ? /\bno\.(?=\s*\d)/gi : new RegExp(`\\b${abbr}\\.`, 'gi');
    s = s.replace(pattern, full);
  }
  s = s.replace(/([$£€])\s?(\d[\d,]*)?(?:\.(\d+))?\b/g, (m, sym: string, whole: string | undefined, frac: string | undefined) =>
    whole === undefined && frac === undefined ? m : money(sym, whole ?? '', frac));
  s = s.replace(/(\d[\d,]*)(?:\.(\d+))?\s?%/g, (_m, whole: string, frac: string | undefined) =>
    `${frac === undefined ? cardinal(whole.replace(/,/g, '')) : decimal(whole.replace(/,/g, ''), frac)} percent`);
  s = s.replace(/\b(\d[\d,]*)(st|nd|rd|th)\b/gi, (_m, n: string) => ordinal(n.replace(/,/g, '')));
  s = s.replace(/\b(\d{1,2}):(\d{2})\b/g, (_m, h: string, min: string) =>
    min === '00' ? `${cardinal(h)} o'clock` : `${cardinal(h)} ${min.startsWith('0') ? 'oh ' + digitByDigit(min[1]) : cardinal(min)}`);
  s = s.replace(/(^|[^\d.])-(\d)/g, '$1minus $2');
  s = s.replace(/(\d[\d,]*)?\.(\d+)/g, (_m, whole: string | undefined, frac: string) => decimal((whole ?? '').replace(/,/g, ''), frac));
  s = s.replace(/\b\d{1,3}(?:,\d{3})+\b/g, (n) => cardinal(n.replace(/,/g, '')));
  s = s.replace(/\b(1[1-9]\d\d|20\d\d)\b/g, (y: string) => year(y));
  s = s.replace(/\d+/g, (n) => cardinal(n));
  return s;
}

export interface SynthesisText {
  normalized: string;
  ids: number[];
  /** Characters that could not be spoken and were dropped (for a warning naming the utterance). */
  dropped: string[];
}

/** Expansion + §1.2 normalisation + ids (with E) for one sentence to synthesise. */
export function textForSynthesis(raw: string): SynthesisText {
  const { text, dropped } = normalizeText(expandText(raw), { trim: true });
  return { normalized: text, ids: textToIds(text), dropped };
}
