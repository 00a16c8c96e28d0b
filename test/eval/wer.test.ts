import { describe, it, expect } from 'vitest';
import { corpusWer, wordEditDistance, wordsOf } from '../../src/eval/wer.ts';

describe('word error rate', () => {
  it('splits text into bare lower-case words, keeping inner apostrophes', () => {
    expect(wordsOf("It's 'Quick', the brown-fox?")).toEqual(["it's", 'quick', 'the', 'brown', 'fox']);
  });

  it('counts substitutions, deletions and insertions', () => {
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'])).toBe(2);
    expect(wordEditDistance(['a', 'b'], [])).toBe(2);
  });

  it('is total edits over total reference words across sentences', () => {
    const wer = corpusWer([
      { reference: 'the quick brown fox', hypothesis: 'the quick brown fox' },
      { reference: 'jumps over the lazy dog', hypothesis: 'jumped over lazy dog' },
    ]);
    expect(wer).toBeCloseTo(2 / 9, 10);
  });
});
