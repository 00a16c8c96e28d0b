// End to end: train a d = 16 Text2Mel and a c = 16 SSRN for a few steps with the real training
// steps on synthetic features, then speak with the synthesize step's run(ctx).
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readFileSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { synthesize, type SynthesizeParams } from '../../src/steps/synthesize.ts';
import { UserError } from '../../src/errors.ts';
import { readSynthesis } from '../../src/synthesis/synthesis-index.ts';
import { readWav } from '../../src/audio/wav.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

const MAX_FRAMES = 24;
const { r, hop_length: hop, sample_rate: sr } = TINY_FEATURES;
let text2mel: string;
let ssrn: string;

beforeAll(async () => {
  await selectBackend('wasm');
  const features = writeSyntheticFeatures(makeTempDir('synth-feat-'), { utterances: 10 });
  const common = { steps: 3, batch_size: 4, validation: 2, log_every: 3, plot_every: 100, checkpoint_every: 100 };
  text2mel = makeTempDir('synth-t2m-');
  await trainText2Mel.run(makeContext({ ...common, config: { base: 'tiny', e: 16, d: 16 } }, { outDir: text2mel, inputs: { features } }));
  ssrn = makeTempDir('synth-ssrn-');
  await trainSsrn.run(makeContext({ ...common, config: { base: 'tiny', c: 16 } }, { outDir: ssrn, inputs: { features } }));
});

function stepContext(params: SynthesizeParams, inputs = { t2m: text2mel, ssrn }) {
  const ctx = makeContext<SynthesizeParams>(params, { name: 'speak', inputs, backend: 'cpu' });
  ctx.backend = 'wasm';
  return ctx;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

describe('synthesize step', () => {
  it('writes WAVs, plots and synthesis.json; bad sentences fail alone', async () => {
    const sentences = ['Hello world.', '', '★ ★ 一二三', 'A second sentence; and a third one!'];
    const ctx = stepContext({ text2mel: 't2m', ssrn: 'ssrn', sentences, max_frames: MAX_FRAMES, griffin_lim_iters: 4, batch_size: 2 });
    await synthesize.run(ctx);
    expect(ctx.logs.find((l) => l.startsWith('voice:'))).toMatch(/^voice: Text2Mel step 3; vocoder griffin-lim-ssrn \(SSRN step 3, 4 Griffin-Lim iterations, power 1\); 16000 Hz$/);

    const index = readSynthesis(ctx.outDir);
    expect(index.sampleRate).toBe(sr);
    expect(index.sentences.map((s) => s.id)).toEqual(['s01', 's04']);
    expect(index.failed).toEqual([
      { text: '', reason: 'empty sentence' },
      { text: '★ ★ 一二三', reason: expect.stringMatching(/^nothing speakable.*unsupported characters: ★ 一 二 三/) },
    ]);
    for (const s of index.sentences) {
      const wav = readWav(join(ctx.outDir, s.wav));
      expect(wav.sampleRate).toBe(sr);
      expect(wav.encoding).toBe('pcm16');
      expect(wav.channels).toHaveLength(1);
      const x = wav.channels[0];
      expect(rms(x)).toBeGreaterThan(1e-3); // not silent
      // An untrained model runs to max_frames: at most r·hop samples per frame, plus the pauses.
      const pieces = s.id === 's04' ? 2 : 1;
      expect(s.frames).toBeLessThanOrEqual(pieces * MAX_FRAMES);
      expect(x.length).toBeLessThanOrEqual(s.frames * r * hop + (pieces - 1) * 0.25 * sr);
      expect(x.length).toBeGreaterThan(0.1 * sr);
      expect(s.seconds).toBeCloseTo(x.length / sr, 3);
      expect(existsSync(join(ctx.outDir, s.alignmentPng!))).toBe(true);
      expect(existsSync(join(ctx.outDir, s.melPng!))).toBe(true);
    }
    // The paragraph was split at ';' and spoken as two pieces of up to max_frames each.
    expect(index.sentences[1].frames).toBeGreaterThan(MAX_FRAMES);
    expect(ctx.warnings.filter((w) => w.includes('not spoken'))).toHaveLength(2);
    expect(ctx.progressCalls.at(-1)).toEqual({ done: 4, total: 4, unit: 'sentences' });
    const rtf = ctx.metrics.find((m) => m.name === 'rtf');
    expect(rtf!.value).toBeGreaterThan(0);
    console.log(`rtf (d16 model, 4 GL iterations, wasm): ${rtf!.value.toFixed(2)}`);
  });

  it('without an SSRN, the mel pseudo-inverse previews the voice; sentences come from a file', async () => {
    const ctx = stepContext({ text2mel: 't2m', sentences: 'say.txt', max_frames: 12, griffin_lim_iters: 2 });
    writeFileSync(join(ctx.projectDir, 'say.txt'), 'One line.\n\nTwo lines?\n');
    await synthesize.run(ctx);
    const index = readSynthesis(ctx.outDir);
    expect(index.sentences.map((s) => s.text)).toEqual(['One line.', 'Two lines?']);
    expect(rms(readWav(join(ctx.outDir, index.sentences[0].wav)).channels[0])).toBeGreaterThan(1e-3);
    expect(ctx.logs.find((l) => l.startsWith('voice:'))).toMatch(/^voice: Text2Mel step 3; vocoder griffin-lim-mel-inverse \(mel pseudo-inverse, 2 Griffin-Lim iterations, power 1\); 16000 Hz$/);
  });

  it('speaks with the vocoder named, which the registry must know', async () => {
    const named = stepContext({ text2mel: 't2m', ssrn: 'ssrn', vocoder: 'griffin-lim-mel-inverse', sentences: ['Hi.'], max_frames: 8, griffin_lim_iters: 2 });
    await synthesize.run(named);
    expect(named.logs.find((l) => l.startsWith('voice:'))).toContain('vocoder griffin-lim-mel-inverse');
    const needs = synthesize.run(stepContext({ text2mel: 't2m', vocoder: 'griffin-lim-ssrn', sentences: ['Hi.'] }));
    await expect(needs).rejects.toThrow(/^the griffin-lim-ssrn vocoder needs a trained SSRN \(ssrn: a train-ssrn step\)$/);
    const unknown = synthesize.run(stepContext({ text2mel: 't2m', vocoder: 'wavenet', sentences: ['Hi.'] }));
    await expect(unknown).rejects.toThrow(/^unknown vocoder 'wavenet' \(known: [^)]*griffin-lim-mel-inverse[^)]*\)$/);
  });

  it('a truncated checkpoint gives one clear line', async () => {
    const broken = makeTempDir('synth-broken-');
    cpSync(text2mel, broken, { recursive: true });
    const doc = JSON.parse(readFileSync(join(broken, 'model.json'), 'utf8')) as { latest: string };
    const weights = join(broken, doc.latest, 'weights.bin');
    truncateSync(weights, Math.floor(statSync(weights).size / 2));
    const run = synthesize.run(stepContext({ text2mel: 't2m', ssrn: 'ssrn', sentences: ['Hi.'] }, { t2m: broken, ssrn }));
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^[^\n]*weights\.bin: \d+ bytes but the manifest needs \d+ — the checkpoint is truncated[^\n]*$/);
  });

  it('a checkpoint of another architecture gives one clear line', async () => {
    const other = makeTempDir('synth-other-');
    cpSync(text2mel, other, { recursive: true });
    const path = join(other, 'model.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { config: { d: number } };
    doc.config.d = 24;
    writeFileSync(path, JSON.stringify(doc));
    const run = synthesize.run(stepContext({ text2mel: 't2m', sentences: ['Hi.'] }, { t2m: other, ssrn }));
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^[^\n]*step-0000003: cannot load the text2mel: tensor [^\n]* has shape \[[\d, ]+\] but the model expects \[[\d, ]+\] \(architecture mismatch\)$/);
  });

  it('an SSRN dir given as the Text2Mel is named as such', async () => {
    const run = synthesize.run(stepContext({ text2mel: 't2m', sentences: ['Hi.'] }, { t2m: ssrn, ssrn }));
    await expect(run).rejects.toThrow(/a ssrn model where a text2mel is needed/);
  });
});
