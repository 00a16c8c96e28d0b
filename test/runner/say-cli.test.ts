// `vcpipe say` against a cache laid out as the runner publishes it (entries/<key>/ + manifest.json),
// holding models trained for a few steps by the real training steps.
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { readWav } from '../../src/audio/wav.ts';
import { sayCommand } from '../../src/commands/say.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

const PIPELINE = `name: t
steps:
  features: { kind: shell, with: { run: "true" } }
  text2mel: { kind: train-text2mel, needs: [features], with: { config: tiny } }
  ssrn: { kind: train-ssrn, needs: [features], with: { config: tiny } }
`;

let root: string;
let pipeline: string;
let t2m: string;
let ssrn: string;

/** Publish `modelDir` as the runner does: the entry's files, then its manifest (a BuildRecord). */
function publish(cache: string, key: string, step: string, kind: string, modelDir: string, finishedAt: string): void {
  const entry = join(cache, 'entries', key);
  cpSync(modelDir, entry, { recursive: true });
  const record = { key, outputId: key, step, kind, version: 1, params: {}, budget: {}, upstream: {}, inputs: {}, finishedAt };
  writeFileSync(join(entry, 'manifest.json'), JSON.stringify(record));
}

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => void lines.out.push(l), err: (l: string) => void lines.err.push(l) } };
}

beforeAll(async () => {
  await selectBackend('wasm');
  const features = writeSyntheticFeatures(makeTempDir('say-feat-'), { utterances: 10 });
  const common = { steps: 2, batch_size: 4, validation: 2, log_every: 2, plot_every: 100, checkpoint_every: 100 };
  t2m = makeTempDir('say-t2m-');
  await trainText2Mel.run(makeContext({ ...common, config: { base: 'tiny', e: 16, d: 16 } }, { outDir: t2m, inputs: { features } }));
  ssrn = makeTempDir('say-ssrn-');
  await trainSsrn.run(makeContext({ ...common, config: { base: 'tiny', c: 16 } }, { outDir: ssrn, inputs: { features } }));
  root = makeTempDir('say-');
  pipeline = join(root, 'voice.yaml');
  writeFileSync(pipeline, PIPELINE);
});

describe('vcpipe say', () => {
  it('speaks with the newest Text2Mel and SSRN of the pipeline', async () => {
    const cache = join(root, 'cache');
    publish(cache, 'old-t2m', 'text2mel', 'train-text2mel', ssrn, '2024-01-01T00:00:00Z'); // older: never picked
    publish(cache, 'new-t2m', 'text2mel', 'train-text2mel', t2m, '2024-06-01T00:00:00Z');
    publish(cache, 'other', 'someone_else', 'train-text2mel', ssrn, '2025-01-01T00:00:00Z'); // not this pipeline's step
    publish(cache, 'ssrn', 'ssrn', 'train-ssrn', ssrn, '2024-06-01T00:00:00Z');
    mkdirSync(join(cache, 'entries', 'unpublished'), { recursive: true }); // no manifest: ignored
    const out = join(root, 'hello.wav');
    const { lines, io } = capture();
    const code = await sayCommand(['Hello there.', '--pipeline', pipeline, '--cache', cache, '--out', out, '--checkpoint', 'best'], io);
    expect(lines.err.filter((l) => l.startsWith('vcpipe say:'))).toEqual([]);
    expect(code).toBe(0);
    const wav = readWav(out);
    expect(wav.sampleRate).toBe(16000);
    expect(wav.channels[0].length).toBeGreaterThan(1600);
    expect(lines.out[0]).toMatch(/hello\.wav: \d+\.\d\d s \(text2mel \+ ssrn, real-time factor/);
  });

  it('before an SSRN is trained, speaks through the mel pseudo-inverse and says so', async () => {
    const cache = join(root, 'cache-t2m-only');
    publish(cache, 't2m', 'text2mel', 'train-text2mel', t2m, '2024-06-01T00:00:00Z');
    const out = join(root, 'preview.wav');
    const { lines, io } = capture();
    expect(await sayCommand(['Hello.', '--pipeline', pipeline, '--cache', cache, '--out', out], io)).toBe(0);
    expect(readWav(out).channels[0].length).toBeGreaterThan(1600);
    expect(lines.out[0]).toMatch(/preview\.wav: \d+\.\d\d s \(text2mel \+ griffin-lim-mel-inverse, real-time factor/);
    expect(lines.err.some((l) => l.includes('vocoder griffin-lim-mel-inverse (mel pseudo-inverse'))).toBe(true);
  });

  it('a cache without a trained Text2Mel: one line naming the command to run, exit 2', async () => {
    const { lines, io } = capture();
    const out = join(root, 'none.wav');
    const code = await sayCommand(['Hello.', '--pipeline', pipeline, '--cache', join(root, 'empty-cache'), '--out', out], io);
    expect(code).toBe(2);
    expect(lines.err).toEqual([`vcpipe say: no trained text2mel in ${join(root, 'empty-cache')} for ${pipeline} — run: npx vcpipe run ${pipeline}`]);
    expect(existsSync(out)).toBe(false);
  });

  it('unspeakable text and a bad --checkpoint are exit 2 with one line', async () => {
    const cache = join(root, 'cache');
    const a = capture();
    expect(await sayCommand(['★★★', '--pipeline', pipeline, '--cache', cache, '--out', join(root, 'x.wav')], a.io)).toBe(2);
    expect(a.lines.err.at(-1)).toMatch(/^vcpipe say: cannot say that: nothing speakable/);
    const b = capture();
    expect(await sayCommand(['Hi.', '--pipeline', pipeline, '--cache', cache, '--checkpoint', 'newest'], b.io)).toBe(2);
    expect(b.lines.err).toEqual([`vcpipe say: --checkpoint must be latest, best or a step number, got 'newest'`]);
  });
});
