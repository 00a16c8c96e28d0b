// `preprocess`: corpus → training features (design note §1.2 and §2.2). Per utterance: read the
// WAV, mix to mono, resample, compute the reduced mel and the linear magnitude, normalise the text
// to ids. Features are cached per item under `${cacheDir}/items/features/<hash of (audio sha256,
// feature config, FEATURE_CODE_VERSION)>/`, so a corpus that grew by 10 clips computes 10. The step
// links the cached arrays into utts/<id>.{mel,mag}.npy and writes features.json last.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { DEFAULT_FEATURES, FEATURE_CODE_VERSION, TINY_FEATURES } from '../audio/features.ts';
import { hasSpeakableText, normalizeText } from '../text/normalize.ts';
import { textToIds } from '../text/vocab.ts';
import { SkipReport, type OnError } from '../data/skip-report.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { diskFullError } from '../util/disk-full.ts';
import { bundledModuleUrl, startBundledWorker } from '../util/bundled-worker.ts';
import { hashJson } from '../util/hash.ts';
import { StepInterrupted, UserError } from '../errors.ts';
import { type JsonSchema, type StepContext, type StepKind } from './contract.ts';
import { readCorpus, type CorpusUtterance } from '../data/corpus-manifest.ts';
import { type FeatureConfig } from '../audio/feature-config.ts';
import { type FeatureIndex, type FeatureUtterance } from '../data/feature-index.ts';
import type { ItemMeta, ItemRequest, ItemResult, WorkerSetup } from './preprocess-worker.ts';

type FeatureOverrides = Partial<FeatureConfig>;

export interface PreprocessParams extends FeatureOverrides {
  config?: 'tiny' | 'default';
  /** Longest usable clip in reduced mel frames T' (default: max_T, 210 or 64 for tiny). */
  max_frames?: number;
  /** Longest usable text in symbols including E (default: max_N, 180 or 64 for tiny). */
  max_chars?: number;
  on_error?: OnError;
  workers?: number;
}

const CONFIG_FIELDS: (keyof FeatureConfig)[] = ['sample_rate', 'n_fft', 'hop_length', 'win_length', 'n_mels', 'fmin', 'fmax', 'preemphasis', 'ref_db', 'max_db', 'r', 'top_db'];
const LIMITS = { default: { max_frames: 210, max_chars: 180 }, tiny: { max_frames: 64, max_chars: 64 } };

export const paramsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    config: { enum: ['tiny', 'default'], default: 'default', description: 'base feature settings: default (22,050 Hz, n_fft 2048, 80 mels) or tiny (16 kHz, 512, 40 mels)' },
    sample_rate: { type: 'integer', minimum: 1000, description: 'Hz; audio is resampled to it' },
    n_fft: { type: 'integer', minimum: 16, description: 'FFT size, a power of two' },
    hop_length: { type: 'integer', minimum: 1, description: 'STFT hop in samples' },
    win_length: { type: 'integer', minimum: 2, description: 'Hann window length in samples (≤ n_fft)' },
    n_mels: { type: 'integer', minimum: 1, description: 'mel bands' },
    fmin: { type: 'number', minimum: 0, description: 'lowest mel frequency, Hz' },
    fmax: { type: 'number', exclusiveMinimum: 0, description: 'highest mel frequency, Hz (default: sample_rate / 2)' },
    preemphasis: { type: 'number', minimum: 0, maximum: 1, description: 'pre-emphasis coefficient' },
    ref_db: { type: 'number', description: 'reference level of the normalisation, dB' },
    max_db: { type: 'number', exclusiveMinimum: 0, description: 'dynamic range of the normalisation, dB' },
    r: { type: 'integer', minimum: 1, description: 'reduction factor of the mel frames' },
    top_db: { type: 'number', exclusiveMinimum: 0, description: 'silence trimming threshold below the loudest frame, dB' },
    max_frames: { type: 'integer', minimum: 1, description: 'drop clips longer than this many reduced frames (default 210; tiny 64)' },
    max_chars: { type: 'integer', minimum: 2, description: 'drop texts longer than this many symbols incl. the end symbol (default 180; tiny 64)' },
    on_error: { enum: ['skip', 'fail'], default: 'skip', description: 'skip unusable utterances with a warning, or stop the step' },
    workers: { type: 'integer', minimum: 1, description: 'feature worker threads (default: all cores)' },
  },
};

/** The feature config of the params: the chosen base, then the explicit overrides; fmax follows sample_rate. */
export function resolveFeatureConfig(params: PreprocessParams): FeatureConfig {
  const base = params.config === 'tiny' ? TINY_FEATURES : DEFAULT_FEATURES;
  const cfg: FeatureConfig = { ...base };
  for (const k of CONFIG_FIELDS) if (params[k] !== undefined) cfg[k] = params[k]!;
  if (params.fmax === undefined) cfg.fmax = cfg.sample_rate / 2;
  const problems: string[] = [];
  if ((cfg.n_fft & (cfg.n_fft - 1)) !== 0) problems.push(`n_fft ${cfg.n_fft} is not a power of two`);
  if (cfg.win_length > cfg.n_fft) problems.push(`win_length ${cfg.win_length} exceeds n_fft ${cfg.n_fft}`);
  if (cfg.fmax > cfg.sample_rate / 2) problems.push(`fmax ${cfg.fmax} is above sample_rate / 2 = ${cfg.sample_rate / 2}`);
  if (cfg.fmin >= cfg.fmax) problems.push(`fmin ${cfg.fmin} is not below fmax ${cfg.fmax}`);
  if (problems.length) throw new UserError(`preprocess: ${problems.join('; ')}`);
  return cfg;
}

/** What a preprocess step keeps: its feature config and the longest clip and text it takes. */
export function preprocessLimits(params: PreprocessParams): { config: FeatureConfig; maxFrames: number; maxChars: number } {
  const limits = LIMITS[params.config ?? 'default'];
  return { config: resolveFeatureConfig(params), maxFrames: params.max_frames ?? limits.max_frames, maxChars: params.max_chars ?? limits.max_chars };
}

const WORKER_ENTRY = new URL('./preprocess-worker.ts', import.meta.url);

/** Items queued per worker: one computing, one waiting, so a worker never idles on the round trip. */
const IN_FLIGHT = 2;

/** Runs the requests on `count` worker threads, IN_FLIGHT items at a time per thread; stops on abort. */
async function computeAll(requests: ItemRequest[], setup: WorkerSetup, count: number, signal: AbortSignal, onResult: (r: ItemResult) => void): Promise<void> {
  if (requests.length === 0) return;
  let next = 0;
  const workers = await Promise.all(Array.from({ length: Math.min(count, requests.length) }, () => startBundledWorker(WORKER_ENTRY, setup)));
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      let pending = 0;
      const feed = () => {
        while (pending < IN_FLIGHT && !signal.aborted && next < requests.length) {
          w.postMessage(requests[next++]);
          pending++;
        }
        if (pending === 0) resolve();
      };
      w.on('message', (r: ItemResult) => {
        pending--;
        onResult(r);
        feed();
      });
      w.on('error', reject);
      w.on('exit', (code) => reject(new Error(`preprocess worker exited with code ${code}`)));
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Hardlink (same file system) or copy. */
function linkOrCopy(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

interface Candidate {
  utt: CorpusUtterance;
  normalized: string;
  ids: number[];
  key: string;
  meta?: ItemMeta;
}

function displayPath(audio: string, corpusDir: string): string {
  const rel = relative(corpusDir, audio);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : audio;
}

async function runPreprocess(ctx: StepContext<PreprocessParams>): Promise<void> {
  const upstream = Object.values(ctx.inputs);
  if (upstream.length !== 1) throw new UserError(`preprocess: needs exactly one corpus step, got ${upstream.length}`);
  const corpusDir = upstream[0];
  const corpus = readCorpus(corpusDir);
  const { config: cfg, maxFrames, maxChars } = preprocessLimits(ctx.params);
  // Bundle the worker while the corpus is scanned; a bundling error surfaces when the workers start.
  bundledModuleUrl(WORKER_ENTRY).catch(() => undefined);
  const report = new SkipReport('preprocess', ctx.params.on_error ?? 'skip', ctx.warn);
  const cacheRoot = join(ctx.cacheDir, 'items', 'features');
  mkdirSync(cacheRoot, { recursive: true });
  const configHash = { config: cfg, code: FEATURE_CODE_VERSION };

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const droppedChars = new Map<string, string[]>();
  for (const utt of corpus.utterances) {
    const file = displayPath(utt.audio, corpusDir);
    if (!/^[A-Za-z0-9._-]+$/.test(utt.id) || seen.has(utt.id)) {
      report.skip(file, seen.has(utt.id) ? `duplicate utterance id '${utt.id}'` : `utterance id '${utt.id}' is not a safe file name`);
      continue;
    }
    seen.add(utt.id);
    const { text: normalized, dropped } = normalizeText(utt.text);
    if (!hasSpeakableText(normalized)) {
      report.skip(file, `text has no vocabulary characters: ${JSON.stringify(utt.text)}`);
      continue;
    }
    const ids = textToIds(normalized);
    if (ids.length > maxChars) {
      report.skip(file, `text too long: ${ids.length} symbols > max_chars ${maxChars}`);
      continue;
    }
    if (dropped.length) droppedChars.set(utt.id, dropped);
    const key = hashJson({ audio: utt.sha256, ...configHash });
    const metaPath = join(cacheRoot, key, 'meta.json');
    const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as ItemMeta) : undefined;
    candidates.push({ utt, normalized, ids, key, meta });
  }
  if (droppedChars.size) {
    const examples = [...droppedChars].slice(0, 3).map(([id, chars]) => `${id} (${chars.map((c) => `'${c}'`).join(' ')})`);
    ctx.warn(`${droppedChars.size} transcripts contain characters outside the vocabulary, read as spaces: ${examples.join(', ')}${droppedChars.size > 3 ? ', …' : ''}`);
  }

  const total = corpus.utterances.length;
  const reused = candidates.filter((c) => c.meta).length;
  let done = total - candidates.length + reused;
  ctx.progress(done, total, 'utterances');
  const todo = candidates.filter((c) => !c.meta);
  const requests = todo.map((c, index): ItemRequest => ({ index, audio: c.utt.audio, key: c.key }));
  const failures = new Map<Candidate, string>();
  const workers = ctx.params.workers ?? availableParallelism();
  let diskFull: string | undefined;
  await computeAll(requests, { cfg, cacheRoot }, workers, ctx.signal, (r) => {
    if (r.ok) todo[r.index].meta = r.meta;
    else if (r.diskFull) diskFull ??= r.diskFull;
    else failures.set(todo[r.index], r.reason);
    ctx.progress(++done, total, 'utterances');
  });
  // A full disk is no fault of the clip: fail rather than publish features without it.
  if (diskFull) throw diskFullError(diskFull);
  if (ctx.signal.aborted) throw new StepInterrupted(`${ctx.name}: interrupted; ${requests.length - failures.size} computed items stay cached`);

  const utterances: FeatureUtterance[] = [];
  const uttDir = join(ctx.outDir, 'utts');
  mkdirSync(uttDir, { recursive: true });
  for (const c of candidates) {
    const file = displayPath(c.utt.audio, corpusDir);
    const failure = failures.get(c);
    if (failure !== undefined || !c.meta) {
      report.skip(file, failure ?? 'features were not computed');
      continue;
    }
    if (c.meta.frames > maxFrames) {
      report.skip(file, `too long: ${c.meta.frames} reduced frames > max_frames ${maxFrames} (${c.meta.duration.toFixed(2)} s)`);
      continue;
    }
    const mel = `utts/${c.utt.id}.mel.npy`;
    const mag = `utts/${c.utt.id}.mag.npy`;
    linkOrCopy(join(cacheRoot, c.key, 'mel.npy'), join(ctx.outDir, mel));
    linkOrCopy(join(cacheRoot, c.key, 'mag.npy'), join(ctx.outDir, mag));
    utterances.push({ id: c.utt.id, text: c.utt.text, normalized: c.normalized, ids: c.ids, frames: c.meta.frames, mel, mag, duration: c.meta.duration });
  }

  const index: FeatureIndex = { kind: 'features', speaker: corpus.speaker, config: cfg, utterances, skipped: report.skipped };
  writeJsonAtomic(join(ctx.outDir, 'features.json'), index);
  const computed = requests.length - failures.size;
  ctx.metric('computed', computed);
  ctx.metric('reused', reused);
  ctx.metric('skipped', report.skipped.length);
  ctx.log(`features computed for ${computed}, reused from the cache for ${reused}`);
  ctx.log(report.summary(utterances.length));
}

export const preprocess: StepKind<PreprocessParams> = {
  kind: 'preprocess',
  version: 1,
  description: 'Compute mel and linear-magnitude features and text ids of a corpus (cached per clip, all cores)',
  paramsSchema,
  run: runPreprocess,
};
