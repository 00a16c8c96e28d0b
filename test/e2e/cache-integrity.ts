// What a cache must look like whenever no vcpipe process is running, however the last run ended:
// every published entry (one with manifest.json) is complete: each file its documents list
// (corpus.json, features.json, model.json, synthesis.json; the manifest itself lists no files)
// exists, hashes and parses as they say; every training checkpoint, published or in a work dir,
// loads into its real network (src/models/checkpoint.ts); every finished item of the per-item
// caches (items/speech, items/features), which later runs reuse, reads back whole. Returns the
// problems found, one line each.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Adam } from '../../src/models/adam.ts';
import { listCheckpoints, loadCheckpoint, readManifest as readCheckpointManifest, type TrainedModelDoc } from '../../src/models/checkpoint.ts';
import type { SsrnConfig, Text2MelConfig } from '../../src/models/config.ts';
import { Ssrn } from '../../src/models/ssrn.ts';
import { Text2Mel } from '../../src/models/text2mel.ts';
import type { BuildRecord } from '../../src/runner/build-record.ts';
import type { CorpusManifest } from '../../src/data/corpus-manifest.ts';
import type { FeatureIndex } from '../../src/data/feature-index.ts';
import type { SynthesisIndex } from '../../src/synthesis/synthesis-index.ts';
import { readWavHeader } from '../../src/data/wav-header.ts';
import { readWav } from '../../src/audio/wav.ts';
import { hashFileSync } from '../../src/util/hash.ts';
import { readNpy } from '../../src/util/npy.ts';

/** Architecture of each network, from a finished run's model.json (the same for every run). */
export type Networks = { text2mel: Text2MelConfig; ssrn: SsrnConfig };

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Files whose name marks an unfinished atomic write (src/util/atomic.ts, checkpoint temp dirs). */
function tempLeftovers(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.name.endsWith('.tmp')) out.push(join(dir, d.name));
    else if (d.isDirectory()) out.push(...tempLeftovers(join(dir, d.name)));
  }
  return out;
}

/** Loads one checkpoint (weights and Adam moments) into a fresh network of its kind. */
export function checkpointProblem(dir: string, networks: Networks): string | undefined {
  try {
    const m = readCheckpointManifest(dir);
    const network = m.tensors[0]?.name.startsWith('Text2Mel/') ? 'text2mel' : 'ssrn';
    const model = network === 'text2mel' ? new Text2Mel(networks.text2mel) : new Ssrn(networks.ssrn);
    try {
      const floats = m.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
      const weights = statSync(join(dir, 'weights.bin')).size;
      if (weights !== floats * 4) return `${dir}: weights.bin has ${weights} bytes, its manifest needs ${floats * 4}`;
      if (m.adamT !== null) {
        const adam = statSync(join(dir, 'adam.bin')).size;
        if (adam !== floats * 8) return `${dir}: adam.bin has ${adam} bytes, its manifest needs ${floats * 8}`;
      }
      const adam = new Adam();
      const loaded = loadCheckpoint(dir, model.store.vars, adam);
      adam.dispose();
      if (!dir.endsWith(String(loaded.step).padStart(7, '0'))) return `${dir}: manifest says step ${loaded.step}`;
    } finally {
      model.store.dispose();
    }
  } catch (err) {
    return `${dir}: does not load: ${(err as Error).message}`;
  }
  return undefined;
}

function trainedProblems(dir: string): string[] {
  const doc = json<TrainedModelDoc>(join(dir, 'model.json'));
  const out: string[] = [];
  for (const which of [doc.latest, doc.best]) if (!existsSync(join(dir, which, 'manifest.json'))) out.push(`${dir}: model.json names ${which}, which is not a complete checkpoint`);
  const latest = listCheckpoints(join(dir, 'checkpoints')).at(-1);
  if (latest?.step !== doc.step) out.push(`${dir}: model.json says step ${doc.step}, newest checkpoint is ${latest?.step}`);
  const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1]) || steps.at(-1) !== doc.step) out.push(`${dir}: metrics.jsonl steps ${steps.join(',')} (model at step ${doc.step})`);
  return out;
}

function corpusProblems(dir: string): string[] {
  const doc = json<CorpusManifest>(join(dir, 'corpus.json'));
  const out: string[] = [];
  for (const u of doc.utterances) {
    const path = resolve(dir, u.audio);
    if (!existsSync(path)) out.push(`${dir}: ${u.audio} listed in corpus.json is missing`);
    else if (hashFileSync(path) !== u.sha256) out.push(`${dir}: ${u.audio} does not hash to corpus.json's sha256`);
    else if (Math.abs(readWavHeader(path).duration - u.duration) > 1e-9) out.push(`${dir}: ${u.audio} is not ${u.duration} s long`);
  }
  return doc.utterances.length ? out : [...out, `${dir}: corpus.json lists no utterance`];
}

function featureProblems(dir: string): string[] {
  const doc = json<FeatureIndex>(join(dir, 'features.json'));
  const out: string[] = [];
  const { n_mels, r, n_fft } = doc.config;
  for (const u of doc.utterances) {
    const mel = readNpy(join(dir, u.mel)).shape.join(',');
    const mag = readNpy(join(dir, u.mag)).shape.join(',');
    if (mel !== `${u.frames},${n_mels}`) out.push(`${dir}: ${u.mel} has shape ${mel}, features.json says ${u.frames}×${n_mels}`);
    if (mag !== `${r * u.frames},${n_fft / 2 + 1}`) out.push(`${dir}: ${u.mag} has shape ${mag}`);
  }
  return doc.utterances.length ? out : [...out, `${dir}: features.json lists no utterance`];
}

function synthesisProblems(dir: string): string[] {
  const doc = json<SynthesisIndex>(join(dir, 'synthesis.json'));
  return doc.sentences.flatMap((s) => {
    const wav = readWav(join(dir, s.wav));
    const seconds = wav.channels[0].length / wav.sampleRate;
    return Math.abs(seconds - s.seconds) > 0.01 ? [`${dir}: ${s.wav} lasts ${seconds} s, synthesis.json says ${s.seconds}`] : [];
  });
}

function entryProblems(dir: string): string[] {
  const record = json<BuildRecord>(join(dir, 'manifest.json'));
  const problems: string[] = tempLeftovers(dir).map((p) => `published entry holds an unfinished write: ${p}`);
  switch (record.kind) {
    case 'speech-corpus': return [...problems, ...corpusProblems(dir)];
    case 'preprocess': return [...problems, ...featureProblems(dir)];
    case 'train-text2mel':
    case 'train-ssrn': return [...problems, ...trainedProblems(dir)];
    case 'synthesize': return [...problems, ...synthesisProblems(dir)];
    default: return [...problems, `${dir}: unexpected step kind ${record.kind}`];
  }
}

/** The per-item caches that corpus and preprocess steps reuse across runs: each finished item whole. */
function itemProblems(cache: string): string[] {
  const out: string[] = [];
  const speech = join(cache, 'items/speech');
  for (const name of existsSync(speech) ? readdirSync(speech).filter((n) => !n.endsWith('.tmp')) : []) {
    try {
      readWav(join(speech, name));
    } catch (err) {
      out.push(`reused speech item ${name}: ${(err as Error).message}`);
    }
  }
  const features = join(cache, 'items/features');
  for (const key of existsSync(features) ? readdirSync(features).filter((n) => !n.endsWith('.tmp')) : []) {
    try {
      const meta = json<{ frames: number }>(join(features, key, 'meta.json'));
      if (readNpy(join(features, key, 'mel.npy')).shape[0] !== meta.frames) out.push(`reused feature item ${key}: mel.npy is not ${meta.frames} frames`);
      readNpy(join(features, key, 'mag.npy'));
    } catch (err) {
      out.push(`reused feature item ${key}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Every problem in the cache; [] when it is sound. */
export function cacheProblems(cache: string, networks: Networks): string[] {
  const problems: string[] = itemProblems(cache);
  for (const area of ['entries', 'work']) {
    const root = join(cache, area);
    if (!existsSync(root)) continue;
    for (const key of readdirSync(root)) {
      const dir = join(root, key);
      try {
        if (area === 'entries' && existsSync(join(dir, 'manifest.json'))) problems.push(...entryProblems(dir));
        for (const c of listCheckpoints(join(dir, 'checkpoints'))) {
          const p = checkpointProblem(c.dir, networks);
          if (p) problems.push(p);
        }
      } catch (err) {
        problems.push(`${dir}: ${(err as Error).message}`);
      }
    }
  }
  return problems;
}

/** The bytes of the newest checkpoint of the published training entry whose model.json is for `network`. */
export function finalCheckpoint(cache: string, network: 'text2mel' | 'ssrn'): { step: number; weights: Buffer; adam: Buffer } {
  const root = join(cache, 'entries');
  for (const key of readdirSync(root)) {
    const dir = join(root, key);
    if (!existsSync(join(dir, 'manifest.json')) || !existsSync(join(dir, 'model.json'))) continue;
    const doc = json<TrainedModelDoc>(join(dir, 'model.json'));
    if (doc.network !== network) continue;
    return { step: doc.step, weights: readFileSync(join(dir, doc.latest, 'weights.bin')), adam: readFileSync(join(dir, doc.latest, 'adam.bin')) };
  }
  throw new Error(`${cache}: no published ${network}`);
}

/** The network configs of a finished run's training entries. */
export function networksOf(cache: string): Networks {
  const root = join(cache, 'entries');
  const docs = readdirSync(root).map((k) => join(root, k, 'model.json')).filter(existsSync).map((p) => json<TrainedModelDoc>(p));
  const config = (n: string) => docs.find((d) => d.network === n)!.config;
  return { text2mel: config('text2mel') as unknown as Text2MelConfig, ssrn: config('ssrn') as unknown as SsrnConfig };
}
