// Word error rate: (substitutions + deletions + insertions) / reference words, by a word-level
// Levenshtein alignment. Both sides are compared as bare lower-case words.

export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

/** Edit distance between two word sequences (one row of the DP table kept). */
export function wordEditDistance(ref: string[], hyp: string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j] + 1, row[j - 1] + 1));
    }
    prev = row;
  }
  return prev[hyp.length];
}

/** Corpus WER: total edits over total reference words (not a mean of per-sentence rates). */
export function corpusWer(pairs: { reference: string; hypothesis: string }[]): number {
  let edits = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const ref = wordsOf(reference);
    edits += wordEditDistance(ref, wordsOf(hypothesis));
    words += ref.length;
  }
  return words === 0 ? 0 : edits / words;
}
