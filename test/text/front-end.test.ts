// The text front ends of docs/design.md §1: phones from flite's t2p (the real binary), the
// character front end with pause symbols, and their vocabularies.
import { describe, expect, it } from 'vitest';
import { encodeChars, encodeText, vocabOf, vocabSizeOf } from '../../src/text/front-end.ts';
import { idsToPhones, parseT2p, PHONES, phonesToIds, textToPhones, textToPhonesSync } from '../../src/text/phones.ts';
import { idsToText, VOCAB } from '../../src/text/vocab.ts';

describe('phones (t2p)', () => {
  it('round-trips text → phones → ids → phones, stress digits and the edge pauses dropped', () => {
    const phones = textToPhonesSync('Hello, world.');
    expect(phones).toEqual(['hh', 'ax', 'l', 'ow', 'pau', 'w', 'er', 'l', 'd']);
    const ids = phonesToIds(phones);
    expect(ids.at(-1)).toBe(1);
    expect(ids.every((id, i) => i === ids.length - 1 || (id >= 2 && id < PHONES.length))).toBe(true);
    expect(idsToPhones([...ids, 0, 0])).toEqual(phones);
  });

  it('puts pau at punctuation inside the sentence, not at its ends', () => {
    const phones = textToPhonesSync('Yes, we can; but not today: maybe tomorrow.');
    expect(phones.filter((p) => p === 'pau')).toHaveLength(3);
    expect(phones[0]).not.toBe('pau');
    expect(phones.at(-1)).not.toBe('pau');
  });

  it('reads numbers the way flite speaks them', () => {
    // "twenty five" — t w eh n t iy f ay v
    expect(textToPhonesSync('25')).toEqual(['t', 'w', 'eh', 'n', 't', 'iy', 'f', 'ay', 'v']);
    expect(textToPhonesSync('It costs 25 dollars.').join(' ')).toContain('t w eh n t iy f ay v d aa l er z');
  });

  it('is deterministic, and the async form (used by preprocessing) agrees with the sync one', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    expect(await textToPhones(text)).toEqual(textToPhonesSync(text));
    expect(textToPhonesSync(text)).toEqual(textToPhonesSync(text));
  });

  it('gives no phones for text without letters or digits (t2p itself fails on it)', () => {
    expect(textToPhonesSync(' ... ')).toEqual([]);
    expect(encodeText('phones', '...').speakable).toBe(false);
  });

  it('parses t2p output and refuses a phone outside the set', () => {
    expect(parseT2p('pau hh ax l ow1 pau \n')).toEqual(['hh', 'ax', 'l', 'ow']);
    expect(() => phonesToIds(['hh', 'q'])).toThrow(/'q'/);
    expect(() => phonesToIds(['E'])).toThrow();
  });
});

describe('front ends', () => {
  it('have their own vocabularies: chars 32 (as before), chars-pauses 33, phones 48', () => {
    expect(vocabSizeOf(undefined)).toBe(32);
    expect(vocabSizeOf('chars')).toBe(32);
    expect(vocabOf('chars')).toBe(VOCAB);
    expect(vocabSizeOf('chars-pauses')).toBe(33);
    expect(vocabSizeOf('phones')).toBe(PHONES.length);
    expect(vocabOf('phones').split(' ')).toHaveLength(PHONES.length);
  });

  it('chars keep dropping commas (the cache of existing voices depends on it); chars-pauses keep a pause there', () => {
    expect(encodeChars('Well, yes; fine — go.', false).normalized).toBe('well yes fine go.');
    const paused = encodeChars('Well, yes; fine — go.', true);
    expect(paused.normalized).toBe('well, yes, fine, go.');
    expect(paused.ids.filter((id) => id === 32)).toHaveLength(3);
    expect(idsToText(paused.ids)).toBe('well, yes, fine, go.');
  });

  it('encodeText dispatches on the front end', () => {
    expect(encodeText(undefined, 'Hi, you.').normalized).toBe('hi you.');
    expect(encodeText('phones', 'Hi, you.').normalized).toBe('hh ay pau y uw');
  });
});
