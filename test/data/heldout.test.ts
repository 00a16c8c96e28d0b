// data/heldout.txt: the evaluation set written apart from the training corpus. It only
// measures what the voice does with unseen text if no sentence (nor a five-word run of one) is in
// data/sentences.txt, and it has enough sentences for a usable bootstrap interval (≥ 100).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readSentences, REPO_DIR } from '../../src/data/sentence-list.ts';
import { wordsOf } from '../../src/eval/wer.ts';

const list = (name: string) => readSentences(join(REPO_DIR, 'data', name), 'test');
const grams = (s: string, n: number) => {
  const w = wordsOf(s);
  return Array.from({ length: Math.max(0, w.length - n + 1) }, (_, i) => w.slice(i, i + n).join(' '));
};

describe('data/heldout.txt', () => {
  const everyday = list('heldout.txt');
  const training = list('sentences.txt');

  it('holds at least 100 distinct sentences', () => {
    expect(everyday.length).toBeGreaterThanOrEqual(100);
    expect(new Set(everyday.map((s) => wordsOf(s).join(' '))).size).toBe(everyday.length);
  });

  it('shares no sentence and no five-word run with the training corpus', () => {
    const seen = new Set(training.map((s) => wordsOf(s).join(' ')));
    expect(everyday.filter((s) => seen.has(wordsOf(s).join(' ')))).toEqual([]);
    const corpusGrams = new Set(training.flatMap((s) => grams(s, 5)));
    expect(everyday.filter((s) => grams(s, 5).some((g) => corpusGrams.has(g)))).toEqual([]);
  });

  it('is plain text the recogniser can score: letters and ordinary punctuation only', () => {
    expect(everyday.filter((s) => !/^[A-Za-z0-9 ,.'?!-]+$/.test(s))).toEqual([]);
  });
});
