// Splitting input for synthesis under each text front end (docs/design.md §1.3, §6.1).
import { describe, expect, it } from 'vitest';
import { splitForSynthesis } from '../../src/synthesis/split-text.ts';
import { phonesToIds, textToPhonesSync } from '../../src/text/phones.ts';
import { textToIds } from '../../src/text/vocab.ts';

const pieces = (r: ReturnType<typeof splitForSynthesis>) => (r.ok ? r.pieces.map((p) => p.normalized) : r.reason);

describe('splitForSynthesis', () => {
  const long = 'The old lighthouse keeper, who had lived alone for years, finally welcomed visitors.';

  it('chars (no front end named): as before, commas vanish, long sentences split at commas then words', () => {
    expect(pieces(splitForSynthesis('Hello, world. It is 5 pm.', 64))).toEqual(['hello world.', 'it is five pm.']);
    const split = splitForSynthesis(long, 40);
    expect(pieces(split)).toEqual(['the old lighthouse keeper', 'who had lived alone for years', 'finally welcomed visitors.']);
    expect(split.ok && split.pieces[0].ids).toEqual(textToIds('the old lighthouse keeper'));
  });

  it('chars-pauses keeps a pause symbol at commas, inside a piece and between packed clauses', () => {
    expect(pieces(splitForSynthesis('Hello, world: bye.', 64, 'chars-pauses'))).toEqual(['hello, world, bye.']);
    expect(pieces(splitForSynthesis(long, 64, 'chars-pauses'))).toEqual(['the old lighthouse keeper, who had lived alone for years', 'finally welcomed visitors.']);
  });

  it('phones: t2p phones of each piece, every piece within max_N', () => {
    const one = splitForSynthesis('Hello, world.', 64, 'phones');
    expect(one.ok && one.pieces[0].ids).toEqual(phonesToIds(textToPhonesSync('Hello, world.')));
    const split = splitForSynthesis(long, 30, 'phones');
    expect(split.ok).toBe(true);
    if (split.ok) {
      expect(split.pieces.length).toBeGreaterThan(1);
      for (const p of split.pieces) expect(p.ids.length).toBeLessThanOrEqual(30);
      expect(split.pieces.map((p) => p.normalized).join(' ')).not.toContain('pau pau');
    }
    expect(splitForSynthesis('★ ★', 64, 'phones').ok).toBe(false);
  });
});
