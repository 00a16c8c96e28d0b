import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { withGtaMels } from '../../src/training/gta-mels.ts';
import { splitDataset, ItemLoader } from '../../src/training/dataset.ts';
import { teacherForcedMel } from '../../src/models/teacher-forcing.ts';
import { loadVoice } from '../../src/synthesis/load-voice.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { selectBackend } from '../../src/models/backend.ts';
import type { TrainParams } from '../../src/training/params.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { readNpy } from '../../src/util/npy.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

const P: TrainParams = { steps: 3, batch_size: 4, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100 };

let features: string;
let text2mel: string;
let ssrn: string;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('gta-'), { utterances: 8, seed: 4 });
  const t = makeContext<TrainParams>({ ...P, config: { base: 'tiny', e: 16, d: 16 } }, { inputs: { features } });
  await trainText2Mel.run(t);
  text2mel = t.outDir;
  const s = makeContext<TrainParams>({ ...P, config: 'tiny' }, { inputs: { features } });
  await trainSsrn.run(s);
  ssrn = s.outDir;
});

const valLosses = (outDir: string) =>
  readFileSync(join(outDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => 'val_loss' in m).map((m) => m.val_loss as number);

describe('GTA mels for the SSRN', () => {
  it("replace every own utterance's input mel with the Text2Mel's teacher-forced prediction, which the loader then serves", async () => {
    const split = splitDataset(features, { batchSize: 4, validation: 2, seed: 1 }, () => {});
    const logs: string[] = [];
    const gta = withGtaMels(split, { features, text2mel }, 'text2mel', TINY_FEATURES, (m) => logs.push(m));
    expect(logs).toEqual([expect.stringMatching(/^gta: the mels of 8 utterances from text2mel \(Text2Mel step 3, teacher-forced\) in [\d.]+ s$/)]);
    expect(gta.train.map((it) => it.utt.id)).toEqual(split.train.map((it) => it.utt.id));
    const voice = loadVoice(text2mel, 'latest');
    try {
      for (const it of [...gta.train, ...gta.validation]) {
        const truth = readNpy(it.melPath).data as Float32Array;
        expect(it.inputMel).toHaveLength(truth.length);
        expect(Array.from(it.inputMel!)).toEqual(Array.from(teacherForcedMel(voice.text2mel, it.utt.ids, truth, it.utt.frames)));
        expect(Array.from(it.inputMel!)).not.toEqual(Array.from(truth));
      }
    } finally {
      voice.dispose();
    }
    const [loaded] = await new ItemLoader(true).get('b', [gta.train[0]!]);
    expect(loaded!.mel).toBe(gta.train[0]!.inputMel);
    expect(loaded!.mag).toHaveLength(4 * gta.train[0]!.utt.frames * (TINY_FEATURES.n_fft / 2 + 1));
    // The split it came from still reads the true mels.
    const [plain] = await new ItemLoader(false).get('b', [split.train[0]!]);
    expect(Array.from(plain!.mel)).toEqual(Array.from(readNpy(split.train[0]!.melPath).data));
  });

  it('refuses a step outside needs, an SSRN, and a Text2Mel of other features, each in one line', () => {
    const split = splitDataset(features, { batchSize: 4, validation: 2, seed: 1 }, () => {});
    const log = () => {};
    expect(() => withGtaMels(split, { features }, 'text2mel', TINY_FEATURES, log)).toThrow("gta: 'text2mel' is not among this step's needs (features)");
    expect(() => withGtaMels(split, { features, ssrn }, 'ssrn', TINY_FEATURES, log)).toThrow(/model\.json: a ssrn model where a text2mel is needed$/);
    expect(() => withGtaMels(split, { features, text2mel }, 'text2mel', { ...TINY_FEATURES, n_mels: 20 }, log)).toThrow(/^gta: 'text2mel' was trained on other features than this step's/);
  });

  it('trains the SSRN step on them: same seed, other inputs, other losses', async () => {
    const params: TrainParams = { ...P, config: 'tiny' };
    const withGta = makeContext<TrainParams>({ ...params, gta: 'text2mel' }, { inputs: { features, text2mel } });
    await trainSsrn.run(withGta);
    expect(withGta.logs.join('\n')).toMatch(/gta: the mels of 8 utterances from text2mel/);
    const gtaVal = valLosses(withGta.outDir);
    const plainVal = valLosses(ssrn);
    expect(gtaVal).toHaveLength(plainVal.length);
    expect(gtaVal.every((v) => Number.isFinite(v))).toBe(true);
    expect(gtaVal[0]).not.toBeCloseTo(plainVal[0]!, 6);
  });
});
