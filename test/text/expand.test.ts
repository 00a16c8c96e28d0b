import { describe, expect, it } from 'vitest';
import { expandText, textForSynthesis } from '../../src/text/expand.ts';
import { cardinal, ordinal, year } from '../../src/text/number-words.ts';

describe('number words', () => {
  const cardinals: [string, string][] = [
    ['0', 'zero'], ['7', 'seven'], ['13', 'thirteen'], ['40', 'forty'], ['99', 'ninety nine'],
    ['100', 'one hundred'], ['101', 'one hundred one'], ['1000', 'one thousand'], ['1001', 'one thousand one'],
    ['123456', 'one hundred twenty three thousand four hundred fifty six'], ['1000000', 'one million'],
    ['2000000005', 'two billion five'], ['007', 'seven'],
  ];
  for (const [n, words] of cardinals) it(`cardinal ${n}`, () => expect(cardinal(n)).toBe(words));

  const ordinals: [string, string][] = [
    ['1', 'first'], ['2', 'second'], ['3', 'third'], ['4', 'fourth'], ['5', 'fifth'], ['8', 'eighth'], ['9', 'ninth'],
    ['12', 'twelfth'], ['20', 'twentieth'], ['21', 'twenty first'], ['100', 'one hundredth'], ['103', 'one hundred third'],
  ];
  for (const [n, words] of ordinals) it(`ordinal ${n}`, () => expect(ordinal(n)).toBe(words));

  const years: [string, string][] = [
    ['1984', 'nineteen eighty four'], ['1905', 'nineteen oh five'], ['1900', 'nineteen hundred'],
    ['2000', 'two thousand'], ['2005', 'two thousand five'], ['2019', 'twenty nineteen'], ['1066', 'ten sixty six'],
  ];
  for (const [n, words] of years) it(`year ${n}`, () => expect(year(n)).toBe(words));
});

describe('textForSynthesis (expansion + normalisation)', () => {
  const table: [string, string][] = [
    ['In 1984 it rained.', 'in nineteen eighty four it rained.'],
    ['It costs $3.50.', 'it costs three dollars fifty cents.'],
    ['$1', 'one dollar'],
    ['$0.01', 'one cent'],
    ['$1,000,000', 'one million dollars'],
    ['£5', 'five pounds'],
    ['€2.5', 'two euros fifty cents'],
    ['The 21st century', 'the twenty first century'],
    ['on the 2nd and 3rd floor', 'on the second and third floor'],
    ['Dr. Smith met Mr. and Mrs. Jones.', 'doctor smith met mister and misses jones.'],
    ['St. Louis', 'saint louis'],
    ['apples, pears, etc.', 'apples pears et cetera.'],
    ['apples etc. and pears', 'apples et cetera and pears'],
    ['50% off', 'fifty percent off'],
    ['3.5% interest', 'three point five percent interest'],
    ['pi is 3.14', 'pi is three point one four'],
    ['There were 1,234 people', 'there were one thousand two hundred thirty four people'],
    ['42 apples', 'forty two apples'],
    ['No. 7', 'number seven'],
    ['No. I will not.', 'no. i will not.'],
    ['at 3:30', 'at three thirty'],
    ['at 10:05', 'at ten oh five'],
    ['at 9:00', "at nine o'clock"],
    ['-5 degrees', 'minus five degrees'],
    ['Tom & Jerry', 'tom and jerry'],
    ['don’t', "don't"],
    ['e.g. this', 'for example this'],
    ['Capt. Kirk vs. Lt. Uhura', 'captain kirk versus lieutenant uhura'],
    ['Café au lait?', 'cafe au lait?'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(textForSynthesis(input).normalized).toBe(expected);
    });
  }

  it('returns ids with the end symbol and the characters it dropped', () => {
    const r = textForSynthesis('Hi ☃ there #1');
    expect(r.normalized).toBe('hi there one');
    expect(r.ids[r.ids.length - 1]).toBe(1);
    expect(r.dropped.sort()).toEqual(['#', '☃'].sort());
  });

  it('leaves words without numbers or abbreviations alone', () => {
    expect(expandText('Plain words only')).toBe('Plain words only');
  });
});
