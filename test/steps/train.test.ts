import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { StepInterrupted, UserError } from '../../src/errors.ts';
import type { TrainParams } from '../../src/training/params.ts';
import { selectBackend, tf } from '../../src/models/backend.ts';
import { Text2Mel } from '../../src/models/text2mel.ts';
import { TEXT2MEL_TINY } from '../../src/models/config.ts';
import { loadTrainedModel } from '../../src/models/load-trained.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

const D16 = { base: 'tiny', e: 16, d: 16 };
const metricsOf = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

let features: string;
beforeAll(async () => {
  await selectBackend('wasm');
  features = writeSyntheticFeatures(makeTempDir('feat-'), { utterances: 12 });
});

describe('train-text2mel', () => {
  it('resumes exactly: k steps, interrupt, resume to 2k in a new process = 2k straight', async () => {
    const k = 5;
    const params: TrainParams = { config: D16, steps: 2 * k, batch_size: 4, validation: 2, log_every: 1, checkpoint_every: 100, plot_every: 100, seed: 3 };
    const straight = makeTempDir('straight-');
    await trainText2Mel.run(makeContext(params, { outDir: straight, inputs: { features } }));

    const resumed = makeTempDir('resumed-');
    const ctx = makeContext<TrainParams>(params, { outDir: resumed, inputs: { features } });
    const metric = ctx.metric;
    ctx.metric = (name, value, at) => {
      metric(name, value, at);
      if (at === k) ctx.abort.abort();
    };
    await expect(trainText2Mel.run(ctx)).rejects.toBeInstanceOf(StepInterrupted);
    expect(readdirSync(join(resumed, 'checkpoints'))).toEqual([`step-000000${k}`]);

    const root = resolve(import.meta.dirname, '../..');
    const code = `
      const { trainText2Mel } = await import(${JSON.stringify(join(root, 'src/steps/train-text2mel.ts'))});
      const { makeContext } = await import(${JSON.stringify(join(root, 'test/helpers/make-context.ts'))});
      await trainText2Mel.run(makeContext(${JSON.stringify(params)}, { outDir: ${JSON.stringify(resumed)}, inputs: { features: ${JSON.stringify(features)} } }));`;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: 'pipe' });

    const a = metricsOf(straight), b = metricsOf(resumed);
    expect(b.map((l) => l.step)).toEqual(a.map((l) => l.step));
    for (const key of ['loss', 'l1', 'bd', 'att', 'grad_norm', 'val_loss', 'diagonality']) {
      expect(b.map((l) => l[key])).toEqual(a.map((l) => l[key]));
    }
  });

  it('freezing keeps frozen variables bit-identical', async () => {
    const out = makeTempDir('freeze-');
    await trainText2Mel.run(makeContext({ config: D16, steps: 3, batch_size: 4, validation: 2, seed: 5, freeze: ['TextEnc', 'Text2Mel/AudioDec/HC_6'] }, { outDir: out, inputs: { features } }));
    const init = new Text2Mel({ ...TEXT2MEL_TINY, e: 16, d: 16 }, 5);
    const trained = loadTrainedModel(out, 'latest');
    let frozen = 0, moved = 0;
    for (const [name, v] of init.store.vars) {
      const same = tf.tidy(() => tf.all(tf.equal(v, trained.model.store.get(name))).dataSync()[0] === 1);
      if (name.includes('/TextEnc/') || name.startsWith('Text2Mel/AudioDec/HC_6/')) {
        expect(same, name).toBe(true);
        frozen++;
      } else if (!same) moved++;
    }
    expect(frozen).toBeGreaterThan(40);
    expect(moved).toBeGreaterThan(40);
    init.store.dispose();
    trained.model.store.dispose();
  });

  it('init_from copies the weights exactly, and a mismatch names the tensor and both shapes', async () => {
    const a = makeTempDir('init-a-');
    await trainText2Mel.run(makeContext({ config: D16, steps: 2, batch_size: 4, validation: 2 }, { outDir: a, inputs: { features } }));
    const b = makeTempDir('init-b-');
    await trainText2Mel.run(makeContext({ config: D16, steps: 1, batch_size: 4, validation: 2, init_from: 'a', keep_checkpoints: 5 }, { outDir: b, inputs: { features, a } }));
    const src = loadTrainedModel(a, 'latest');
    const start = loadTrainedModel(b, 0);
    for (const [name, v] of src.model.store.vars) {
      expect(Array.from(start.model.store.get(name).dataSync()), name).toEqual(Array.from(v.dataSync()));
    }
    expect(JSON.parse(readFileSync(join(b, 'model.json'), 'utf8')).step).toBe(1);
    src.model.store.dispose();
    start.model.store.dispose();

    const c = makeTempDir('init-c-');
    const bad = trainText2Mel.run(makeContext({ config: { base: 'tiny', e: 16, d: 24 }, steps: 1, batch_size: 4, validation: 2, init_from: 'a' }, { outDir: c, inputs: { features, a } }));
    await expect(bad).rejects.toThrow(/Text2Mel\/TextEnc\/C_2\/kernel has shape \[1, 16, 32\] but the model expects \[1, 16, 48\]/);
  });

  it('rejects features that do not match the model, naming both values', async () => {
    const out = makeTempDir('mismatch-');
    const run = trainText2Mel.run(makeContext({ config: 'default', steps: 1 }, { outDir: out, inputs: { features } }));
    await expect(run).rejects.toThrow(/n_mels = 40 .* expects 80/);
    await expect(run).rejects.toBeInstanceOf(UserError);
  });

  it('shrinks validation and batch on a small dataset, refuses fewer than 2 utterances', async () => {
    const small = writeSyntheticFeatures(makeTempDir('small-'), { utterances: 3 });
    const ctx = makeContext<TrainParams>({ config: D16, steps: 1, batch_size: 8, validation: 4 }, { outDir: makeTempDir('small-out-'), inputs: { features: small } });
    await trainText2Mel.run(ctx);
    expect(ctx.warnings.join('\n')).toMatch(/validation set shrunk from 4 to 1[\s\S]*batch_size lowered from 8 to 2/);
    const one = writeSyntheticFeatures(makeTempDir('one-'), { utterances: 1 });
    await expect(trainText2Mel.run(makeContext({ config: D16, steps: 1 }, { outDir: makeTempDir('one-out-'), inputs: { features: one } }))).rejects.toThrow(/at least 2/);
  });

  it('stops on a NaN loss with a clear message', async () => {
    const nan = writeSyntheticFeatures(makeTempDir('nan-'), { utterances: 4 });
    const { writeNpy } = await import('../../src/util/npy.ts');
    for (let u = 0; u < 4; u++) {
      const path = join(nan, 'utts', `u00${u}.mel.npy`);
      const { readNpy } = await import('../../src/util/npy.ts');
      const arr = readNpy(path);
      arr.data[0] = NaN;
      writeNpy(path, arr.data, arr.shape);
    }
    const run = trainText2Mel.run(makeContext({ config: D16, steps: 2, batch_size: 2, validation: 0 }, { outDir: makeTempDir('nan-out-'), inputs: { features: nan } }));
    await expect(run).rejects.toThrow(/loss became NaN at step 1 .*no checkpoint was written yet.*Lower lr/);
  });

  it('warns when the attention is not diagonal by align_by, or stops with on_no_alignment: stop', async () => {
    const base: TrainParams = { config: D16, steps: 2, batch_size: 4, validation: 2, log_every: 1, align_by: 1 };
    const ctx = makeContext<TrainParams>(base, { outDir: makeTempDir('align-'), inputs: { features } });
    await trainText2Mel.run(ctx);
    expect(ctx.warnings.join('\n')).toMatch(/not diagonal by step 1 .*lower the learning rate/);
    await expect(trainText2Mel.run(makeContext({ ...base, on_no_alignment: 'stop' }, { outDir: makeTempDir('align-stop-'), inputs: { features } }))).rejects.toThrow(/check that the transcripts/);
  });
});

describe('train-ssrn', () => {
  it('takes its output bins from the features\' n_fft, and refuses a config that names others', async () => {
    const odd = writeSyntheticFeatures(makeTempDir('odd-'), { utterances: 4, config: { ...TINY_FEATURES, n_fft: 256 } });
    const out = makeTempDir('odd-out-');
    await trainSsrn.run(makeContext({ config: 'tiny', steps: 1, batch_size: 2, validation: 0 }, { outDir: out, inputs: { features: odd } }));
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).config.fBins).toBe(129);
    const named = makeContext({ config: { base: 'tiny', fBins: 257 }, steps: 1 }, { outDir: makeTempDir('odd-named-'), inputs: { features: odd } });
    await expect(trainSsrn.run(named)).rejects.toThrow(/n_fft\/2\+1 = 129 .* expects 257/);
  });
});
