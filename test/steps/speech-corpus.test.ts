import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import type { SpeechCorpusParams } from '../../src/data/speak-corpus.ts';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const repoFile = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8').split('\n').filter(Boolean);

describe('shipped sentence lists', () => {
  const sentences = repoFile('data/sentences.txt');
  const heldout = repoFile('data/heldout.txt');

  // data/heldout.txt's own format and independence from the corpus: test/data/heldout.test.ts.
  it('follow the format: 4–15 words, plain ASCII letters and . , ? \' only', () => {
    expect(sentences.length).toBeGreaterThanOrEqual(700);
    for (const s of sentences) {
      expect(s).toMatch(/^[A-Za-z][A-Za-z ',]*[.?]$/);
      const words = s.split(' ').length;
      expect(words, s).toBeGreaterThanOrEqual(4);
      expect(words, s).toBeLessThanOrEqual(15);
    }
    const words = new Set(sentences.join(' ').toLowerCase().match(/[a-z']+/g));
    expect(words.size).toBeGreaterThanOrEqual(1500);
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('share no line between training and held-out sentences', () => {
    const train = new Set(sentences);
    expect(heldout.filter((s) => train.has(s))).toEqual([]);
  });
});

describe('speech-corpus step', () => {
  const cacheDir = join(makeTempDir(), 'cache');

  it('speaks 5 sentences with flite into a corpus, then reuses the cache', async () => {
    const ctx = makeContext<SpeechCorpusParams>({ count: 5 }, { cacheDir });
    await speechCorpus.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.speaker).toBe('flite-rms');
    expect(corpus.utterances).toHaveLength(5);
    const firstFive = repoFile('data/sentences.txt').slice(0, 5);
    corpus.utterances.forEach((u, i) => {
      expect(u.text).toBe(firstFive[i]);
      expect(u.audio).toBe(join(ctx.outDir, 'wavs', `s000${i + 1}.wav`));
      expect(u.sampleRate).toBe(16000);
      // A 6–11 word sentence takes roughly 1.5–6 s to say.
      expect(u.duration).toBeGreaterThan(1.2);
      expect(u.duration).toBeLessThan(7);
      // Duration from the header agrees with the file size (16-bit mono, 44-byte header).
      expect(u.duration).toBeCloseTo((statSync(u.audio).size - 44) / 2 / 16000, 3);
      expect(u.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
    expect(readFileSync(join(ctx.outDir, 'metadata.csv'), 'utf8').split('\n')[0]).toBe(`s0001|${firstFive[0]}|${firstFive[0]}`);
    expect(ctx.metrics).toContainEqual({ name: 'generated', value: 5 });
    expect(ctx.progressCalls.at(-1)).toEqual({ done: 5, total: 5, unit: 'utterances' });

    const again = makeContext<SpeechCorpusParams>({ count: 5 }, { cacheDir });
    await speechCorpus.run(again);
    expect(again.metrics).toContainEqual({ name: 'generated', value: 0 });
    expect(again.logs.join('\n')).toMatch(/5 utterances.*0 generated, 5 from cache/);
    // Hard links into the cache, identical bytes.
    const u = readCorpus(again.outDir).utterances[0]!;
    expect(statSync(u.audio).nlink).toBeGreaterThanOrEqual(2);
    expect(u.sha256).toBe(corpus.utterances[0]!.sha256);
  });

  it('changes the cache key with rate and pitch, and a faster rate gives shorter clips', async () => {
    const slow = makeContext<SpeechCorpusParams>({ count: 2, rate: 0.7 }, { cacheDir });
    await speechCorpus.run(slow);
    const fast = makeContext<SpeechCorpusParams>({ count: 2, rate: 1.5, pitch: 140 }, { cacheDir });
    await speechCorpus.run(fast);
    expect(fast.metrics).toContainEqual({ name: 'generated', value: 2 });
    const d = (c: typeof slow) => readCorpus(c.outDir).utterances.map((u) => u.duration);
    d(fast).forEach((x, i) => expect(x).toBeLessThan(d(slow)[i]! * 0.7));
  });

  it('reads a sentence list relative to the pipeline file, with offset', async () => {
    const projectDir = makeTempDir();
    mkdirSync(join(projectDir, 'lists'));
    writeFileSync(join(projectDir, 'lists', 'mine.txt'), 'One two three four.\n\nFive six seven eight?\nNine ten eleven twelve.\n');
    const ctx = makeContext<SpeechCorpusParams>({ sentences: 'lists/mine.txt', offset: 1, workers: 2 }, { cacheDir, projectDir });
    expect(speechCorpus.inputs!(ctx.params, projectDir)).toEqual([join(projectDir, 'lists', 'mine.txt')]);
    await speechCorpus.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.utterances.map((u) => [u.id, u.text])).toEqual([
      ['s0002', 'Five six seven eight?'],
      ['s0003', 'Nine ten eleven twelve.'],
    ]);
  });

  it('speaks with espeak-ng at 22,050 Hz', async () => {
    const ctx = makeContext<SpeechCorpusParams>({ engine: 'espeak-ng', count: 2 }, { cacheDir });
    await speechCorpus.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.speaker).toBe('espeak-ng-en');
    for (const u of corpus.utterances) {
      expect(u.sampleRate).toBe(22050);
      expect(u.duration).toBeGreaterThan(1);
    }
  });

  it('says in one line how to install a missing engine', async () => {
    const ctx = makeContext<SpeechCorpusParams>({ count: 1, engine_path: 'flite-not-installed-here' }, { cacheDir: join(makeTempDir(), 'c') });
    await expect(speechCorpus.run(ctx)).rejects.toThrow(
      /^speech-corpus: flite not found at flite-not-installed-here — install it with: sudo apt-get install flite$/,
    );
  });

  it('refuses a flite voice that does not exist instead of silently using another', async () => {
    const ctx = makeContext<SpeechCorpusParams>({ count: 1, voice: 'nobody' }, { cacheDir });
    await expect(speechCorpus.run(ctx)).rejects.toThrow(/flite has no voice 'nobody' \(available: .*rms/);
  });
});
