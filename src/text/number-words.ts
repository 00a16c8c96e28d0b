// English number words (American style, no "and"): cardinals, ordinals, years and digit strings.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

function underThousand(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(ONES[hundreds], 'hundred');
  if (rest >= 20) words.push(TENS[Math.floor(rest / 10)] + (rest % 10 ? ' ' + ONES[rest % 10] : ''));
  else if (rest > 0) words.push(ONES[rest]);
  return words.join(' ');
}

/** Cardinal words of a non-negative integer given as a decimal digit string (any length up to 10^18). */
export function cardinal(digits: string): string {
  const clean = digits.replace(/^0+(?=\d)/, '');
  if (clean === '0') return 'zero';
  if (clean.length > 3 * SCALES.length) return digitByDigit(clean);
  const groups: number[] = [];
  for (let end = clean.length; end > 0; end -= 3) groups.unshift(Number(clean.slice(Math.max(0, end - 3), end)));
  const words: string[] = [];
  groups.forEach((g, i) => {
    if (g === 0) return;
    const scale = SCALES[groups.length - 1 - i];
    words.push(underThousand(g) + (scale ? ' ' + scale : ''));
  });
  return words.join(' ');
}

/** Each digit spoken on its own ("0.25" fraction part → "two five"). */
export function digitByDigit(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)]).join(' ');
}

const ORDINAL_IRREGULAR: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** Ordinal words: the last word of the cardinal turned ordinal (twenty one → twenty first). */
export function ordinal(digits: string): string {
  const words = cardinal(digits).split(' ');
  const last = words.pop()!;
  const ord = ORDINAL_IRREGULAR[last] ?? (last.endsWith('y') ? last.slice(0, -1) + 'ieth' : last + 'th');
  return [...words, ord].join(' ');
}

/** A year read in pairs: 1984 → nineteen eighty four, 1905 → nineteen oh five, 1900 → nineteen hundred, 2005 → two thousand five. */
export function year(digits: string): string {
  const n = Number(digits);
  if (digits.length !== 4 || n % 1000 < 10 || (n >= 2000 && n < 2010)) return cardinal(digits);
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  if (lo === 0) return `${cardinal(String(hi))} hundred`;
  if (lo < 10) return `${cardinal(String(hi))} oh ${ONES[lo]}`;
  return `${cardinal(String(hi))} ${cardinal(String(lo))}`;
}
