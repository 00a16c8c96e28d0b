// Preprocessing speed: seconds of audio per second of wall time (real-time factor) of the
// `preprocess` step on all cores, next to the same features in numpy/scipy (bench/preprocess_ref.py,
// multiprocessing on all cores) on the same generated clips in the same run, plus the largest
// difference between the two implementations' outputs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { encodeWav } from '../src/audio/wav.ts';
import { readFeatures } from '../src/data/feature-index.ts';
import type { CorpusUtterance } from '../src/data/corpus-manifest.ts';
import { preprocess } from '../src/steps/preprocess.ts';
import type { PreprocessParams } from '../src/data/preprocess-corpus.ts';
import { sha256 } from '../src/util/hash.ts';
import { readNpy } from '../src/util/npy.ts';
import { makeContext } from '../test/helpers/make-context.ts';

const CLIPS = 600;
const ROUNDS = 3;
const PYTHON = '/usr/bin/python3';

/** A speech-like clip: a gliding harmonic tone with syllable-rate amplitude modulation plus noise. */
export function clip(seconds: number, rate: number, seed: number): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  let phase = 0;
  let noise = seed * 7919 + 1;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f0 = 100 + 40 * Math.sin(2 * Math.PI * 0.7 * t + seed);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin(h * phase) / h;
    noise = (noise * 1103515245 + 12345) % 2147483648; // LCG for deterministic noise
    const syllables = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    x[i] = 0.25 * v * syllables + 0.01 * (noise / 1073741824 - 1);
  }
  return x;
}

function writeCorpus(dir: string, rate: number): number {
  let seconds = 0;
  const utterances: CorpusUtterance[] = [];
  for (let i = 0; i < CLIPS; i++) {
    const duration = 1.5 + (i % 10) * 0.5; // 1.5 … 6 s, mean 3.75 s
    const bytes = encodeWav([clip(duration, rate, i)], rate, 'pcm16');
    const audio = join(dir, `clip${i}.wav`);
    writeFileSync(audio, bytes);
    utterances.push({ id: `clip${i}`, text: `sentence number ${i}`, audio, sha256: sha256(bytes), duration, sampleRate: rate });
    seconds += duration;
  }
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ kind: 'corpus', speaker: 'bench', utterances, skipped: [] }));
  return seconds;
}

async function measure(config: 'tiny' | 'default'): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'vcpipe-bench-'));
  try {
    const rate = config === 'tiny' ? 16000 : 22050;
    const corpusDir = join(root, 'corpus');
    mkdirSync(corpusDir);
    const seconds = writeCorpus(corpusDir, rate);
    const params: PreprocessParams = { config, max_frames: 100_000 }; // keep the 6 s clips in tiny too
    // Best of ROUNDS for both sides, each vcpipe round with an empty item cache: this machine's
    // timings vary by up to 2× from one run to the next.
    let tsWall = Infinity, pyWall = Infinity, pySeconds = 0;
    const context = (cacheDir: string, outDir: string) =>
      makeContext(params, { name: 'features', inputs: { corpus: corpusDir }, outDir, cacheDir, projectDir: root, backend: 'cpu' });
    const roundContext = (round: number) => context(join(root, `cache${round}`), join(root, `out${round}`));
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      await preprocess.run(roundContext(round));
      tsWall = Math.min(tsWall, (performance.now() - start) / 1000);
      const py = await execa(PYTHON, [join(import.meta.dirname, 'preprocess_ref.py'), corpusDir, join(root, `py${round}`), config]);
      const ref = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { audio_seconds: number; wall_seconds: number };
      pyWall = Math.min(pyWall, ref.wall_seconds);
      pySeconds = ref.audio_seconds;
    }
    // Round 0's item cache, now full, and its features to compare with numpy's.
    const first = roundContext(0);
    const rerun = context(join(root, 'cache0'), join(root, 'rerun'));
    const start2 = performance.now();
    await preprocess.run(rerun);
    const cachedWall = (performance.now() - start2) / 1000;
    const pyOut = join(root, 'py0');

    let maxDiff = 0;
    const index = readFeatures(first.outDir);
    for (const u of index.utterances.slice(0, 10)) {
      for (const kind of ['mel', 'mag'] as const) {
        const ours = readNpy(join(first.outDir, u[kind])).data;
        const theirs = readNpy(join(pyOut, `${u.id}.${kind}.npy`)).data;
        for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
      }
    }
    const rtf = (s: number, w: number) => `${(s / w).toFixed(0)}×`;
    return `| ${config} (${rate} Hz) | ${seconds.toFixed(0)} s | ${tsWall.toFixed(2)} s | ${rtf(seconds, tsWall)} | ${cachedWall.toFixed(2)} s | ${pyWall.toFixed(2)} s | ${rtf(pySeconds, pyWall)} | ${maxDiff.toExponential(1)} |`;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const rows = [await measure('tiny'), await measure('default')];
  const markdown = [
    `${CLIPS} generated clips (1.5–6 s, no resampling needed), ${availableParallelism()} cores, best of ${ROUNDS} runs each; real-time factor = seconds of audio per second of wall time.`,
    'vcpipe = the `preprocess` step (worker threads, WAV read, features, .npy cache, links, features.json); numpy = bench/preprocess_ref.py (multiprocessing, same features, .npy out).',
    '',
    '| config | audio | vcpipe wall | vcpipe RTF | vcpipe rerun (all cached) | numpy wall | numpy RTF | max abs diff (10 clips) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  return { title: 'Preprocessing speed (features per second of audio)', markdown };
}

if (process.argv[1] === import.meta.filename) console.log((await bench()).markdown);
