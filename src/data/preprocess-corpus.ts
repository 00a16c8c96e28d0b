// The work of the `preprocess` step: corpus → training features (docs/design.md §1.2 and §2.2).
// Per utterance: read the WAV, mix to mono, resample, compute the reduced mel and the linear
// magnitude, normalise the text to ids. Features are cached per item under
// `${cacheDir}/items/features/<hash of (audio sha256, feature config, FEATURE_CODE_VERSION)>/`, so
// a corpus that grew by 10 clips computes 10. The step's output links the cached arrays into
// utts/<id>.{mel,mag}.npy and gets features.json last. As a shard (ctx.shard) it only fills the
// cache with its share of the items.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FEATURE_CODE_VERSION } from '../audio/features.ts';
import { TEXT2MEL_DEFAULT, TEXT2MEL_TINY } from '../models/config.ts';
import { encodeChars, encodePhones, type EncodedText } from '../text/front-end.ts';
import { phonesOfAll } from './phone-cache.ts';
import { symbolEnds } from './symbol-ends.ts';
import { SkipReport, type OnError } from './skip-report.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { diskFullError } from '../util/disk-full.ts';
import { bundledModuleUrl, startBundledWorker } from '../util/bundled-worker.ts';
import { hashJson } from '../util/hash.ts';
import { displayPath } from '../util/display-path.ts';
import { linkOrCopy } from '../util/link-or-copy.ts';
import { StepInterrupted, UserError } from '../errors.ts';
import type { WorkContext } from '../util/work-context.ts';
import { readCorpus, type CorpusManifest, type CorpusUtterance } from './corpus-manifest.ts';
import { inShard, type Shard } from '../util/shard.ts';
import { DEFAULT_FEATURES, TINY_FEATURES, type FeatureConfig } from '../audio/feature-config.ts';
import type { FeatureIndex, FeatureUtterance } from './feature-index.ts';
import type { ItemMeta, ItemRequest, ItemResult, WorkerSetup } from './preprocess-worker.ts';

type FeatureOverrides = Partial<FeatureConfig>;

/** The `with:` block of the `preprocess` step. */
export interface PreprocessParams extends FeatureOverrides {
  config?: 'tiny' | 'default';
  /** Longest usable clip in reduced mel frames T' (default: max_T, 210 or 64 for tiny). */
  max_frames?: number;
  /** Longest usable text in symbols including E (default: max_N, 180 or 64 for tiny). */
  max_chars?: number;
  on_error?: OnError;
  workers?: number;
}

const CONFIG_FIELDS: Exclude<keyof FeatureConfig, 'text'>[] = ['sample_rate', 'n_fft', 'hop_length', 'win_length', 'n_mels', 'fmin', 'fmax', 'preemphasis', 'ref_db', 'max_db', 'r', 'top_db'];
/** The feature config of the params: the chosen base, then the explicit overrides; fmax follows sample_rate. */
export function resolveFeatureConfig(params: PreprocessParams): FeatureConfig {
  const base = params.config === 'tiny' ? TINY_FEATURES : DEFAULT_FEATURES;
  const cfg: FeatureConfig = { ...base };
  for (const k of CONFIG_FIELDS) if (params[k] !== undefined) cfg[k] = params[k]!;
  if (params.fmax === undefined) cfg.fmax = cfg.sample_rate / 2;
  // Only an explicit `text:` enters the config: without it features.json (and the cache keys) stay as they were.
  if (params.text !== undefined) cfg.text = params.text;
  const problems: string[] = [];
  if ((cfg.n_fft & (cfg.n_fft - 1)) !== 0) problems.push(`n_fft ${cfg.n_fft} is not a power of two`);
  if (cfg.win_length > cfg.n_fft) problems.push(`win_length ${cfg.win_length} exceeds n_fft ${cfg.n_fft}`);
  if (cfg.fmax > cfg.sample_rate / 2) problems.push(`fmax ${cfg.fmax} is above sample_rate / 2 = ${cfg.sample_rate / 2}`);
  if (cfg.fmin >= cfg.fmax) problems.push(`fmin ${cfg.fmin} is not below fmax ${cfg.fmax}`);
  if (problems.length) throw new UserError(`preprocess: ${problems.join('; ')}`);
  return cfg;
}

/** What a preprocess step keeps: its feature config and the longest clip and text it takes (by
 * default, those the model of the same size is built for). check-data judges a corpus by these. */
export function preprocessLimits(params: PreprocessParams): { config: FeatureConfig; maxFrames: number; maxChars: number } {
  const model = params.config === 'tiny' ? TEXT2MEL_TINY : TEXT2MEL_DEFAULT;
  return { config: resolveFeatureConfig(params), maxFrames: params.max_frames ?? model.maxT, maxChars: params.max_chars ?? model.maxN };
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

interface Candidate {
  utt: CorpusUtterance;
  normalized: string;
  ids: number[];
  key: string;
  meta?: ItemMeta;
}

/** What the work reads of the `preprocess` step's context. */
export type PreprocessContext = WorkContext & {
  name: string;
  params: PreprocessParams;
  inputs: Record<string, string>;
  outDir: string;
  cacheDir: string;
  /** Compute only this shard's items into the cache (util/shard.ts); write no output. */
  shard?: Shard;
};

/** Every transcript as the front end reads it; phones come from t2p (cached per text, run on all cores). */
async function encodeAll(texts: string[], frontEnd: FeatureConfig['text'], ctx: PreprocessContext): Promise<EncodedText[]> {
  if (frontEnd !== 'phones') return texts.map((t) => encodeChars(t, frontEnd === 'chars-pauses'));
  try {
    const phones = await phonesOfAll(texts, ctx.cacheDir, ctx.params.workers ?? availableParallelism(), ctx.signal);
    return phones.map(encodePhones);
  } catch (err) {
    if (ctx.signal.aborted) throw new StepInterrupted(`${ctx.name}: interrupted while converting text to phones`);
    throw new UserError(`${ctx.name}: text: phones: ${(err as Error).message}`);
  }
}

/** The per-item cache key of a clip's features. The audio features do not depend on the text
 * front end: one cache entry serves all of them. */
function featureKeys(cfg: FeatureConfig): (utt: CorpusUtterance) => string {
  const { text: _, ...audioConfig } = cfg;
  const configHash = { config: audioConfig, code: FEATURE_CODE_VERSION };
  return (utt) => hashJson({ audio: utt.sha256, ...configHash });
}

/** The per-item cache names (items/features/<key>/) of a run with these params on this corpus. */
export function featureItemNames(params: PreprocessParams, inputs: Record<string, string>): string[] {
  const upstream = Object.values(inputs);
  if (upstream.length !== 1) return []; // the run says why
  const key = featureKeys(resolveFeatureConfig(params));
  return [...new Set(readCorpus(upstream[0]).utterances.map(key))];
}

/** meta.json of a cached item, unless the item is missing or, when durations need it, lacks the trimmed lead. */
function cachedMeta(cacheRoot: string, key: string, needsLead: boolean): ItemMeta | undefined {
  const metaPath = join(cacheRoot, key, 'meta.json');
  const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as ItemMeta) : undefined;
  // An entry from before the trimmed lead was kept is computed again when durations need it.
  return meta && meta.lead === undefined && needsLead ? undefined : meta;
}

/** One shard's part of the step: its missing items into the cache, no output (the step's last job links them). */
async function computeShard(ctx: PreprocessContext, shard: Shard, corpus: CorpusManifest, cfg: FeatureConfig, cacheRoot: string): Promise<void> {
  const keyOf = featureKeys(cfg);
  const mine = new Map<string, CorpusUtterance>();
  for (const utt of corpus.utterances) if (inShard(keyOf(utt), shard)) mine.set(keyOf(utt), utt);
  const todo = [...mine].filter(([key, utt]) => !cachedMeta(cacheRoot, key, utt.durations !== undefined && cfg.text === 'phones'));
  let done = mine.size - todo.length;
  ctx.progress(done, mine.size, 'utterances');
  let failed = 0;
  let diskFull: string | undefined;
  const requests = todo.map(([key, utt], index): ItemRequest => ({ index, audio: utt.audio, key }));
  await computeAll(requests, { cfg, cacheRoot }, ctx.params.workers ?? availableParallelism(), ctx.signal, (r) => {
    if (!r.ok && r.diskFull) diskFull ??= r.diskFull;
    else if (!r.ok) failed++;
    ctx.progress(++done, mine.size, 'utterances');
  });
  if (diskFull) throw diskFullError(diskFull);
  if (ctx.signal.aborted) throw new StepInterrupted(`${ctx.name}: interrupted; computed items stay cached`);
  // Unusable clips are reported by the step's last job, which meets them again.
  ctx.log(`shard ${shard.index + 1} of ${shard.count}: features computed for ${requests.length - failed}, reused from the cache for ${mine.size - todo.length}${failed ? `, ${failed} unusable` : ''}`);
}

export async function preprocessCorpus(ctx: PreprocessContext): Promise<void> {
  const upstream = Object.values(ctx.inputs);
  if (upstream.length !== 1) throw new UserError(`preprocess: needs exactly one corpus step, got ${upstream.length}`);
  const corpusDir = upstream[0];
  const corpus = readCorpus(corpusDir);
  const { config: cfg, maxFrames, maxChars } = preprocessLimits(ctx.params);
  // Bundle the worker while the corpus is scanned; a bundling error surfaces when the workers start.
  bundledModuleUrl(WORKER_ENTRY).catch(() => undefined);
  const cacheRoot = join(ctx.cacheDir, 'items', 'features');
  mkdirSync(cacheRoot, { recursive: true });
  if (ctx.shard) return computeShard(ctx, ctx.shard, corpus, cfg, cacheRoot);
  const report = new SkipReport('preprocess', ctx.params.on_error ?? 'skip', ctx.warn);
  const frontEnd = cfg.text;
  const keyOf = featureKeys(cfg);
  const encoded = await encodeAll(corpus.utterances.map((u) => u.text), frontEnd, ctx);

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const droppedChars = new Map<string, string[]>();
  for (const [u, utt] of corpus.utterances.entries()) {
    const file = displayPath(utt.audio, corpusDir);
    if (!/^[A-Za-z0-9._-]+$/.test(utt.id) || seen.has(utt.id)) {
      report.skip(file, seen.has(utt.id) ? `duplicate utterance id '${utt.id}'` : `utterance id '${utt.id}' is not a safe file name`);
      continue;
    }
    seen.add(utt.id);
    const { normalized, ids, dropped, speakable } = encoded[u];
    if (!speakable) {
      report.skip(file, `text has no ${frontEnd === 'phones' ? 'phones' : 'vocabulary characters'}: ${JSON.stringify(utt.text)}`);
      continue;
    }
    if (ids.length > maxChars) {
      report.skip(file, `text too long: ${ids.length} symbols > max_chars ${maxChars}`);
      continue;
    }
    if (dropped.length) droppedChars.set(utt.id, dropped);
    const key = keyOf(utt);
    candidates.push({ utt, normalized, ids, key, meta: cachedMeta(cacheRoot, key, utt.durations !== undefined && frontEnd === 'phones') });
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
  const withoutEnds: string[] = [];
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
    const ends = frontEnd === 'phones' ? symbolEnds(c.utt.durations, c.normalized.split(' '), c.meta.lead ?? 0, c.meta.frames, cfg) : undefined;
    if (c.utt.durations && !ends) withoutEnds.push(c.utt.id);
    utterances.push({ id: c.utt.id, text: c.utt.text, normalized: c.normalized, ids: c.ids, frames: c.meta.frames, mel, mag, duration: c.meta.duration, ...(ends ? { symbol_ends: ends } : {}) });
  }
  if (withoutEnds.length) {
    const why = frontEnd === 'phones' ? "t2p's phones differ from the ones flite spoke" : 'they place phones, and the front end is not text: phones';
    ctx.warn(`${withoutEnds.length} utterances keep no phone durations (${why}): ${withoutEnds.slice(0, 3).join(', ')}${withoutEnds.length > 3 ? ', …' : ''}`);
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
