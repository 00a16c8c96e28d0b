// `text: phones` end to end with the real parts: flite speaks a corpus, preprocess reads it as
// t2p phones, Text2Mel trains on them, and the voice the training leaves reads text as phones
// (the path `say` and `serve` take); character features of the same audio reuse its cache entries.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import { preprocess } from '../../src/steps/preprocess.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { readFeatures } from '../../src/data/feature-index.ts';
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
