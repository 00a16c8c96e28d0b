import { describe, expect, it } from 'vitest';
import { hasSpeakableText, normalizeText } from '../../src/text/normalize.ts';
import { END_ID, idsToText, textToIds, VOCAB, VOCAB_SIZE } from '../../src/text/vocab.ts';

describe('vocabulary (§1.1)', () => {
  it('has 32 symbols in the documented order', () => {
    expect(VOCAB_SIZE).toBe(32);
    expect(textToIds('a')).toEqual([3, END_ID]);
    expect(textToIds("z'.? ")).toEqual([28, 29, 30, 31, 2, 1]);
    expect(VOCAB[0] + VOCAB[1]).toBe('PE');
  });

  it('round-trips ids to text and rejects non-vocabulary characters', () => {
    expect(idsToText([...textToIds('hello there.'), 0, 0])).toBe('hello there.');
    expect(() => textToIds('Hi')).toThrow(/'H'/);
    expect(() => textToIds('P')).toThrow();
  });
});

describe('normalizeText (§1.2 steps 1–5)', () => {
  const table: [string, string][] = [
    ['Hello, world!', 'hello world'],
    ['Café', 'cafe'],
    ['naïve résumé', 'naive resume'],
    ['Señor Ñandú', 'senor nandu'],
    ['DON\'T STOP', "don't stop"],
    ['don’t', 'don t'],
    ['What?', 'what?'],
    ['End.', 'end.'],
    ['a - b', 'a b'],
    ['semi;colon:colon', 'semi colon colon'],
    ['"quoted"', 'quoted'],
    ['  leading and trailing  ', 'leading and trailing'],
    ['many     spaces', 'many spaces'],
    ['tab\tand\nnewline', 'tab and newline'],
    ['room 101', 'room'],
    ['(parenthesised)', 'parenthesised'],
    ['Ærø', 'r'],
    ['Zoë Brontë', 'zoe bronte'],
    ['façade', 'facade'],
    ['e-mail', 'e mail'],
    ['Mr. Smith', 'mr. smith'],
    ['?!?', '? ?'],
    ['...', '...'],
    ['', ''],
    ['ÀÉÎÕÜ', 'aeiou'],
    ['x²', 'x'],
    ['über', 'uber'],
    ['It\'s 5 o\'clock', "it's o'clock"],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(normalizeText(input).text).toBe(expected);
    });
  }

  it('keeps outer spaces when trim is off (REF training behaviour)', () => {
    expect(normalizeText(' Hi! ', { trim: false }).text).toBe(' hi ');
  });

  it('reports dropped characters other than whitespace and separators', () => {
    expect(normalizeText('Room 101, £5 & more!').dropped.sort()).toEqual(['0', '1', '5', '&', '£'].sort());
    expect(normalizeText('Hello, "world" — fine; (yes)').dropped).toEqual([]);
  });

  it('knows when nothing speakable is left', () => {
    expect(hasSpeakableText(normalizeText('123 ?!').text)).toBe(false);
    expect(hasSpeakableText(normalizeText('a').text)).toBe(true);
  });
});
