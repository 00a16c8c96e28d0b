import { describe, it, expect } from 'vitest';
import { bootstrapWerInterval } from '../../src/eval/wer-interval.ts';

describe('bootstrap WER interval', () => {
  // 100 sentences of 10 words, half perfect and half all wrong: WER 0.5 with a standard error of
  // sqrt(0.25 / 100) = 0.05, so the 95% interval is about 0.5 ± 1.96 · 0.05 = [0.40, 0.60].
  const halfWrong = Array.from({ length: 100 }, (_, i) => ({ edits: i % 2 ? 10 : 0, words: 10 }));

  it('matches the normal approximation on a known list', () => {
    const { low, high } = bootstrapWerInterval(halfWrong);
    expect(low).toBeGreaterThan(0.38);
    expect(low).toBeLessThan(0.42);
    expect(high).toBeGreaterThan(0.58);
    expect(high).toBeLessThan(0.62);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const varied = Array.from({ length: 37 }, (_, i) => ({ edits: (i * 7) % 5, words: 5 + (i % 9) }));
    expect(bootstrapWerInterval(varied, { seed: 7 })).toEqual(bootstrapWerInterval(varied, { seed: 7 }));
    const a = bootstrapWerInterval(varied, { seed: 7 }), b = bootstrapWerInterval(varied, { seed: 8 });
    expect(a.low !== b.low || a.high !== b.high).toBe(true);
  });

  it('narrows as the list grows (4× the sentences, about half the width)', () => {
    const width = (n: number) => {
      const { low, high } = bootstrapWerInterval(Array.from({ length: n }, (_, i) => ({ edits: i % 2 ? 10 : 0, words: 10 })));
      return high - low;
    };
    expect(width(400) / width(100)).toBeGreaterThan(0.4);
    expect(width(400) / width(100)).toBeLessThan(0.6);
  });

  it('weighs sentences by their words, as the corpus WER does, and collapses when every sentence agrees', () => {
    expect(bootstrapWerInterval(Array.from({ length: 20 }, (_, i) => ({ edits: i + 1, words: 4 * (i + 1) })))).toEqual({ low: 0.25, high: 0.25 });
    expect(bootstrapWerInterval([])).toEqual({ low: 0, high: 0 });
  });
});
