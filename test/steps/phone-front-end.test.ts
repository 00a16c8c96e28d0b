// `text: phones` end to end with the real parts: flite speaks a corpus, preprocess reads it as
// t2p phones, Text2Mel trains on them, and the voice the training leaves reads text as phones
// (the path `say` and `serve` take); character features of the same audio reuse its cache entries.
// With phone_durations the teacher's timing reaches features.json and the durations guide.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import { preprocess } from '../../src/steps/preprocess.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { readFeatures } from '../../src/data/feature-index.ts';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import type { PreprocessParams } from '../../src/data/preprocess-corpus.ts';
import { loadVoice } from '../../src/synthesis/load-voice.ts';
import { splitForSynthesis } from '../../src/synthesis/split-text.ts';
import { PHONES, phonesToIds, textToPhonesSync } from '../../src/text/phones.ts';
import { textToIds } from '../../src/text/vocab.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const SENTENCES = ['It costs 25 dollars, more or less.', 'The kettle boiled; we had tea.', 'Where is the station?', 'Quiet, please.', 'She sold 3 old bikes.', 'Rain again today.'];
const root = makeTempDir('phones-');
const cacheDir = join(root, 'cache');
let corpus: string;

beforeAll(async () => {
  await selectBackend('wasm');
  const list = join(root, 'list.txt');
  writeFileSync(list, SENTENCES.join('\n') + '\n');
  const ctx = makeContext({ sentences: list }, { cacheDir, projectDir: root });
  await speechCorpus.run(ctx);
  corpus = ctx.outDir;
});

const runPreprocess = async (params: PreprocessParams) => {
  const ctx = makeContext(params, { cacheDir, inputs: { corpus } });
  await preprocess.run(ctx);
  return ctx;
};

describe('text: phones', () => {
  it('preprocess records the front end and reads transcripts as t2p phones; the audio cache is shared with chars', async () => {
    const phones = await runPreprocess({ config: 'tiny', max_frames: 200, text: 'phones' });
    const index = readFeatures(phones.outDir);
    expect(index.config.text).toBe('phones');
    expect(index.utterances).toHaveLength(SENTENCES.length);
    for (const u of index.utterances) {
      expect(u.normalized).toBe(textToPhonesSync(u.text).join(' '));
      expect(u.ids).toEqual(phonesToIds(textToPhonesSync(u.text)));
    }
    // The number reads as flite says it, the comma as a pause.
    expect(index.utterances[0].normalized).toMatch(/^ih t k aa s t s t w eh n t iy f ay v d aa l er z pau/);

    // Without `text:` the features are those of before: no text field, character ids, and the
    // audio features come from the same cache entries (nothing recomputed).
    const chars = await runPreprocess({ config: 'tiny', max_frames: 200 });
    const charIndex = readFeatures(chars.outDir);
    expect('text' in charIndex.config).toBe(false);
    expect(charIndex.utterances[3].ids).toEqual(textToIds('quiet please.'));
    expect(chars.metrics.find((m) => m.name === 'computed')?.value).toBe(0);
    expect(readFileSync(join(chars.outDir, charIndex.utterances[0].mel))).toEqual(readFileSync(join(phones.outDir, index.utterances[0].mel)));
  });

  it('trains a Text2Mel with one embedding row per phone; its model.json and the loaded voice read text as phones', async () => {
    const features = (await runPreprocess({ config: 'tiny', max_frames: 200, text: 'phones' })).outDir;
    const out = makeTempDir('phones-t2m-');
    await trainText2Mel.run(makeContext({ config: { base: 'tiny', e: 16, d: 16 }, steps: 2, batch_size: 2, validation: 2, checkpoint_every: 100, plot_every: 100 }, { outDir: out, inputs: { features } }));
    const doc = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(doc.features.text).toBe('phones');
    expect(doc.config.vocab).toBe(PHONES.length);

    const voice = loadVoice(out, 'latest');
    try {
      expect(voice.features.text).toBe('phones');
      const split = splitForSynthesis('Hello, world. 7 cats.', voice.text2mel.config.maxN, voice.features.text);
      expect(split.ok && split.pieces.map((p) => p.normalized)).toEqual(['hh ax l ow pau w er l d', 's eh v ax n k ae t s']);
      expect(split.ok && split.pieces[0].ids).toEqual(phonesToIds(['hh', 'ax', 'l', 'ow', 'pau', 'w', 'er', 'l', 'd']));
    } finally {
      voice.dispose();
    }
  });

  it('a model config that names another vocab than the front end needs is refused', async () => {
    const features = (await runPreprocess({ config: 'tiny', max_frames: 200, text: 'phones' })).outDir;
    const ctx = makeContext({ config: { base: 'tiny', e: 16, d: 16, vocab: 32 }, steps: 1, batch_size: 2, validation: 2 }, { inputs: { features } });
    await expect(trainText2Mel.run(ctx)).rejects.toThrow(/vocab = 48/);
  });
});

describe('phone_durations and guided_attention: durations', () => {
  let timed: string;
  beforeAll(async () => {
    // Same sentences, same clip cache: the clips are spoken again for their durations.
    const ctx = makeContext({ sentences: join(root, 'list.txt'), phone_durations: true }, { cacheDir, projectDir: root });
    await speechCorpus.run(ctx);
    timed = ctx.outDir;
  });

  it('speech-corpus keeps each phone end time flite printed with the WAV, and caches them beside the clip', () => {
    const c = readCorpus(timed);
    for (const u of c.utterances) {
      expect(u.durations!.phones.length).toBe(u.durations!.ends.length);
      expect(u.durations!.ends.at(-1)).toBeCloseTo(u.duration, 2);
      for (let i = 1; i < u.durations!.ends.length; i++) expect(u.durations!.ends[i]).toBeGreaterThanOrEqual(u.durations!.ends[i - 1]);
    }
    expect(readdirSync(join(cacheDir, 'items', 'speech')).filter((f) => f.endsWith('.psdur.json'))).toHaveLength(SENTENCES.length);
    // Without the option corpus.json is as before.
    expect(readCorpus(corpus).utterances.every((u) => u.durations === undefined)).toBe(true);
  });

  it('is refused for espeak-ng, which prints no durations', async () => {
    const ctx = makeContext({ engine: 'espeak-ng' as const, sentences: join(root, 'list.txt'), phone_durations: true }, { cacheDir, projectDir: root });
    await expect(speechCorpus.run(ctx)).rejects.toThrow('speech-corpus: phone_durations needs the flite engine, not espeak-ng');
  });

  it('preprocess text: phones turns them into symbol end frames; chars keeps none and says so', async () => {
    const ctx = makeContext<PreprocessParams>({ config: 'tiny', max_frames: 200, text: 'phones' }, { cacheDir, inputs: { corpus: timed } });
    await preprocess.run(ctx);
    const index = readFeatures(ctx.outDir);
    for (const u of index.utterances) {
      const ends = u.symbol_ends!;
      expect(ends).toHaveLength(u.ids.length - 1);
      for (let i = 1; i < ends.length; i++) expect(ends[i]).toBeGreaterThanOrEqual(ends[i - 1]);
      expect(ends[0]).toBeGreaterThan(0);
      // The last phone ends near the trimmed clip's end (within flite's final pause, 0.2 s = 4 frames, partly kept by the 60 dB trim).
      expect(ends.at(-1)).toBeLessThanOrEqual(u.frames);
      expect(ends.at(-1)).toBeGreaterThan(u.frames - 8);
    }
    const chars = makeContext<PreprocessParams>({ config: 'tiny', max_frames: 200 }, { cacheDir, inputs: { corpus: timed } });
    await preprocess.run(chars);
    expect(readFeatures(chars.outDir).utterances.every((u) => u.symbol_ends === undefined)).toBe(true);
    expect(chars.warnings.join('\n')).toMatch(/keep no phone durations/);
  });

  it('a cached feature item from before the trimmed lead was kept gets it once, not at every run', async () => {
    const run = async () => {
      const ctx = makeContext<PreprocessParams>({ config: 'tiny', max_frames: 200, text: 'phones' }, { cacheDir, inputs: { corpus: timed } });
      await preprocess.run(ctx);
      return ctx.metrics.find((m) => m.name === 'computed')!.value;
    };
    await run();
    const root = join(cacheDir, 'items', 'features');
    const [key] = readdirSync(root).filter((k) => !k.startsWith('.'));
    const metaPath = join(root, key, 'meta.json');
    const { lead, ...old } = JSON.parse(readFileSync(metaPath, 'utf8'));
    writeFileSync(metaPath, JSON.stringify(old));
    expect(await run()).toBe(1);
    expect(JSON.parse(readFileSync(metaPath, 'utf8')).lead).toBeCloseTo(lead, 6);
    expect(await run()).toBe(0);
  });

  it('train-text2mel with guided_attention: durations trains on the guide (another attention loss than the diagonal)', async () => {
    const fctx = makeContext<PreprocessParams>({ config: 'tiny', max_frames: 200, text: 'phones' }, { cacheDir, inputs: { corpus: timed } });
    await preprocess.run(fctx);
    const common = { config: { base: 'tiny', e: 16, d: 16 }, steps: 1, batch_size: 2, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100 };
    const att = async (extra: Record<string, unknown>) => {
      const ctx = makeContext({ ...common, ...extra }, { inputs: { features: fctx.outDir } });
      await trainText2Mel.run(ctx);
      expect(ctx.warnings.filter((w) => /guided_attention/.test(w))).toEqual([]);
      return JSON.parse(readFileSync(join(ctx.outDir, 'metrics.jsonl'), 'utf8').trim().split('\n')[0]).att as number;
    };
    const diagonal = await att({});
    const guided = await att({ guided_attention: 'durations', guide_width: 1 });
    expect(guided).not.toBe(diagonal);
    expect(existsSync(fctx.outDir)).toBe(true);
  });
});
