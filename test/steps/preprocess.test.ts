import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures, TINY_FEATURES } from '../../src/audio/features.ts';
import { encodeWav, type WavEncoding } from '../../src/audio/wav.ts';
import { StepInterrupted, UserError } from '../../src/errors.ts';
import { readFeatures } from '../../src/data/feature-index.ts';
import { type CorpusUtterance } from '../../src/data/corpus-manifest.ts';
import { preprocess, resolveFeatureConfig, type PreprocessParams } from '../../src/steps/preprocess.ts';
import { sha256 } from '../../src/util/hash.ts';
import { readNpy } from '../../src/util/npy.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

/** A harmonic 'vowel' (f0 and 6 harmonics with a little vibrato) between short silences. */
function vowel(seconds: number, f0: number, rate = 16000): Float32Array {
  const n = Math.round(seconds * rate);
  const pad = Math.round(0.1 * rate);
  const x = new Float32Array(n + 2 * pad);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * f0 * (1 + 0.02 * Math.sin((2 * Math.PI * 5 * i) / rate))) / rate;
    let v = 0;
    for (let h = 1; h <= 7; h++) v += Math.sin(h * phase) / h;
    x[pad + i] = 0.3 * v * Math.sin((Math.PI * i) / n);
  }
  return x;
}

interface Clip {
  id: string;
  text: string;
  bytes: Uint8Array;
}

function clip(id: string, seconds: number, f0: number, text = `clip ${id} says hello`, rate = 16000, channels = 1, encoding: WavEncoding = 'pcm16'): Clip {
  const x = vowel(seconds, f0, rate);
  return { id, text, bytes: encodeWav(Array.from({ length: channels }, () => x), rate, encoding) };
}

/** Writes the clips as WAVs and a corpus.json next to them, as a corpus step would. */
function writeCorpus(dir: string, clips: Clip[]): void {
  const utterances: CorpusUtterance[] = clips.map((c) => {
    const audio = join(dir, `${c.id}.wav`);
    writeFileSync(audio, c.bytes);
    return { id: c.id, text: c.text, audio, sha256: sha256(c.bytes), duration: 1, sampleRate: 16000 };
  });
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ kind: 'corpus', speaker: 'test', utterances, skipped: [] }));
}

async function run(corpusDir: string, cacheDir: string, params: PreprocessParams = {}) {
  const ctx = makeContext<PreprocessParams>({ config: 'tiny', workers: 2, ...params }, { cacheDir, inputs: { corpus: corpusDir } });
  await preprocess.run(ctx);
  const metric = (name: string) => ctx.metrics.find((m) => m.name === name)?.value;
  return { ctx, index: readFeatures(ctx.outDir), computed: metric('computed'), reused: metric('reused') };
}

describe('preprocess step', () => {
  it('computes features, then recomputes only new and changed clips', async () => {
    const corpus = makeTempDir('corpus-');
    const cache = makeTempDir('cache-');
    const clips = [clip('a', 0.6, 110), clip('b', 0.8, 140), clip('c', 0.5, 180), clip('d', 0.7, 220)];
    writeCorpus(corpus, clips);

    const first = await run(corpus, cache);
    expect([first.computed, first.reused]).toEqual([4, 0]);
    expect(first.index.utterances.map((u) => u.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(first.index.config).toEqual(TINY_FEATURES);
    const b = first.index.utterances[1];
    expect(b.normalized).toBe('clip b says hello');
    expect(b.ids.at(-1)).toBe(1);
    const mel = readNpy(join(first.ctx.outDir, b.mel));
    const mag = readNpy(join(first.ctx.outDir, b.mag));
    expect(mel.shape).toEqual([b.frames, 40]);
    expect(mag.shape).toEqual([4 * b.frames, 257]);
    const direct = computeFeatures(vowel(0.8, 140), 16000, TINY_FEATURES);
    // The WAV holds 16-bit samples, the direct call float ones: equal up to quantisation noise.
    expect(direct.frames).toBe(b.frames);
    expect(Math.max(...direct.mel.map((v, i) => Math.abs(v - mel.data[i])))).toBeLessThan(0.01);
    expect(first.ctx.logs.join('\n')).toMatch(/computed for 4, reused from the cache for 0/);
    expect(first.ctx.progressCalls.at(-1)).toEqual({ done: 4, total: 4, unit: 'utterances' });

    writeCorpus(corpus, [...clips, clip('e', 0.6, 300), clip('f', 0.9, 90)]);
    const second = await run(corpus, cache);
    expect([second.computed, second.reused]).toEqual([2, 4]);
    expect(second.index.utterances).toHaveLength(6);
    expect(readFileSync(join(second.ctx.outDir, second.index.utterances[1].mel))).toEqual(readFileSync(join(first.ctx.outDir, b.mel)));

    clips[2] = clip('c', 0.55, 185);
    writeCorpus(corpus, [...clips, clip('e', 0.6, 300), clip('f', 0.9, 90)]);
    const third = await run(corpus, cache);
    expect([third.computed, third.reused]).toEqual([1, 5]);
  }, 60_000);

  it('skips each kind of bad input with one warning naming the file and the reason', async () => {
    const corpus = makeTempDir('corpus-');
    const good = clip('good', 0.5, 150);
    const truncated = { ...clip('truncated', 0.5, 150), bytes: clip('x', 0.5, 150).bytes.subarray(0, 3000) };
    writeCorpus(corpus, [
      good,
      truncated,
      { id: 'empty', text: 'empty file', bytes: new Uint8Array(0) },
      { id: 'notwav', text: 'not a wav', bytes: new TextEncoder().encode('ID3 this is an mp3, honestly') },
      { id: 'zero', text: 'zero seconds', bytes: encodeWav([new Float32Array(0)], 16000) },
      clip('long', 3.5, 150),
      clip('digits', 0.5, 150, '1234 567'),
    ]);
    const { ctx, index } = await run(corpus, makeTempDir('cache-'), { max_frames: 40 });
    expect(index.utterances.map((u) => u.id)).toEqual(['good']);
    const reasons = Object.fromEntries(index.skipped.map((s) => [s.file, s.reason]));
    expect(reasons['truncated.wav']).toMatch(/^truncated WAV file \(data chunk declares 22400 bytes, 2956 present\)$/);
    expect(reasons['empty.wav']).toBe('empty file');
    expect(reasons['notwav.wav']).toMatch(/^not a WAV file/);
    expect(reasons['zero.wav']).toBe('no audio samples (0 s clip)');
    expect(reasons['long.wav']).toMatch(/^too long: \d+ reduced frames > max_frames 40 \(3\.70 s\)$/);
    expect(reasons['digits.wav']).toMatch(/^text has no vocabulary characters/);
    expect(ctx.warnings).toHaveLength(6);
    for (const file of Object.keys(reasons)) expect(ctx.warnings.some((w) => w.includes(file))).toBe(true);
    expect(ctx.logs.join('\n')).toMatch(/1 utterances, 6 skipped: /);
  }, 60_000);

  it('with on_error: fail throws a UserError naming the file', async () => {
    const corpus = makeTempDir('corpus-');
    writeCorpus(corpus, [clip('ok', 0.5, 150), { id: 'empty', text: 'empty', bytes: new Uint8Array(0) }]);
    const failing = run(corpus, makeTempDir('cache-'), { on_error: 'fail' });
    await expect(failing).rejects.toThrow(UserError);
    await expect(run(corpus, makeTempDir('cache-'), { on_error: 'fail' })).rejects.toThrow(/empty\.wav: empty file/);
  }, 60_000);

  it('mixes stereo 44.1 kHz float audio to mono and resamples it', async () => {
    const corpus = makeTempDir('corpus-');
    writeCorpus(corpus, [clip('stereo', 1.0, 150, 'stereo clip', 44100, 2, 'float32'), clip('mono', 1.0, 150, 'mono clip')]);
    const { index } = await run(corpus, makeTempDir('cache-'), { workers: 1 });
    const [stereo, mono] = index.utterances;
    expect(stereo.duration).toBeCloseTo(1.2, 6);
    expect(Math.abs(stereo.frames - mono.frames)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('stops with StepInterrupted when the run is aborted, writing no features.json', async () => {
    const corpus = makeTempDir('corpus-');
    writeCorpus(corpus, [clip('a', 0.5, 150), clip('b', 0.5, 160)]);
    const ctx = makeContext<PreprocessParams>({ config: 'tiny', workers: 1 }, { inputs: { corpus } });
    ctx.abort.abort();
    await expect(preprocess.run(ctx)).rejects.toThrow(StepInterrupted);
    expect(() => readFeatures(ctx.outDir)).toThrow(/missing/);
  }, 60_000);

  it('resolves the feature config from the base config and overrides', () => {
    expect(resolveFeatureConfig({})).toMatchObject({ sample_rate: 22050, n_fft: 2048, n_mels: 80, fmax: 11025 });
    expect(resolveFeatureConfig({ config: 'tiny', sample_rate: 22050 })).toMatchObject({ n_fft: 512, fmax: 11025 });
    expect(() => resolveFeatureConfig({ n_fft: 1000 })).toThrow(/not a power of two/);
    expect(() => resolveFeatureConfig({ config: 'tiny', fmax: 9000 })).toThrow(/above sample_rate/);
  });
});
