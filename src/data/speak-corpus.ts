// The work of the `speech-corpus` step (kept out of the step module so that importing the step
// for its metadata does not load execa). As a shard (ctx.shard) it only speaks its share of the
// sentences into the per-item cache.
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StepInterrupted, UserError } from '../errors.ts';
import type { CorpusManifest } from './corpus-manifest.ts';
import { tempPathFor, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { hashJson } from '../util/hash.ts';
import { linkOrCopy } from '../util/link-or-copy.ts';
import type { WorkContext } from '../util/work-context.ts';
import { corpusEntry } from './corpus-entry.ts';
import { mapPool } from './pool.ts';
import { DEFAULT_SENTENCES, readSentences, resolveSentenceFile } from './sentence-list.ts';
import { checkVoice, DEFAULT_VOICE, synthesize, type PhoneDurations, type Voice } from './tts-engines.ts';
import { diskFullError, freeBytes } from '../util/disk-full.ts';
import { readWavHeader } from './wav-header.ts';
import { inShard, type Shard } from '../util/shard.ts';

/** The `with:` block of the `speech-corpus` step. */
export interface SpeechCorpusParams {
  engine?: 'flite' | 'espeak-ng';
  /** The engine binary, when it is not on PATH under its usual name. */
  engine_path?: string;
  voice?: string;
  sentences?: string;
  count?: number;
  offset?: number;
  speaker?: string;
  rate?: number;
  pitch?: number;
  workers?: number;
  /** Keep flite's phone end times (`-psdur`) in corpus.json: the teacher's alignment. */
  phone_durations?: boolean;
}

interface Item {
  id: string;
  text: string;
  /** Its per-item cache key: `${cacheDir}/items/speech/<key>.wav` (and `<key>.psdur.json`). */
  key: string;
  cached: string;
}

/** Where a cached clip's phone durations lie: beside it, written after it. */
const durationsPath = (wav: string) => wav.replace(/\.wav$/, '.psdur.json');

const voiceOf = (p: SpeechCorpusParams): Voice => {
  const engine = p.engine ?? 'flite';
  return { engine, command: p.engine_path ?? engine, voice: p.voice ?? DEFAULT_VOICE[engine], rate: p.rate, pitch: p.pitch };
};

/** The sentences the params choose, each with its cached clip (in `cacheDir`, the speech item folder). */
function chosenItems(p: SpeechCorpusParams, projectDir: string, cacheDir: string): Item[] {
  const { engine, voice } = voiceOf(p);
  const offset = p.offset ?? 0;
  const all = readSentences(resolveSentenceFile(p.sentences ?? DEFAULT_SENTENCES, projectDir), 'speech-corpus');
  return all.slice(offset, p.count === undefined ? undefined : offset + p.count).map((text, i) => {
    const key = hashJson({ engine, voice, rate: p.rate ?? 1, pitch: p.pitch ?? null, text });
    // Ids follow the line number in the list, so they stay put when count or offset change.
    return { id: `s${String(offset + i + 1).padStart(4, '0')}`, text, key, cached: join(cacheDir, `${key}.wav`) };
  });
}

/** The per-item cache names (items/speech/) of a run with these params. */
export function speechItemNames(p: SpeechCorpusParams, projectDir: string): string[] {
  const names = chosenItems(p, projectDir, '').flatMap((it) => (p.phone_durations ? [`${it.key}.wav`, `${it.key}.psdur.json`] : [`${it.key}.wav`]));
  return [...new Set(names)];
}

export async function speakCorpus(
  ctx: WorkContext & { params: SpeechCorpusParams; outDir: string; projectDir: string; cacheDir: string; shard?: Shard },
): Promise<void> {
  const p = ctx.params;
  const voice = voiceOf(p);
  const engine = voice.engine;
  const cacheDir = join(ctx.cacheDir, 'items', 'speech');
  mkdirSync(cacheDir, { recursive: true });
  const chosen = chosenItems(p, ctx.projectDir, cacheDir);
  const shard = ctx.shard;
  const items = shard ? [...new Map(chosen.filter((it) => inShard(it.key, shard)).map((it) => [it.key, it])).values()] : chosen;
  const withDurations = p.phone_durations === true;
  if (withDurations && engine !== 'flite') throw new UserError(`speech-corpus: phone_durations needs the flite engine, not ${engine}`);
  // A clip cached without its durations is spoken again (flite writes the same bytes).
  const missing = items.filter((it) => !existsSync(it.cached) || (withDurations && !existsSync(durationsPath(it.cached))));
  const todo = new Set(missing);
  if (missing.length > 0) await checkVoice(voice);
  if (shard) return speakShard(ctx, shard, items.length, missing, voice, withDurations);

  const wavDir = join(ctx.outDir, 'wavs');
  mkdirSync(wavDir, { recursive: true });
  let done = 0;
  ctx.progress(0, items.length, 'utterances');
  const utterances = await mapPool(
    items,
    p.workers ?? availableParallelism(),
    async (it) => {
      if (todo.has(it)) await speakInto(voice, it.text, it.cached, ctx.signal, withDurations);
      const audio = join(wavDir, `${it.id}.wav`);
      linkOrCopy(it.cached, audio);
      ctx.progress(++done, items.length, 'utterances');
      // Inside the step's own output the path is stored relative: the runner publishes the
      // output dir by renaming it, and readCorpus resolves the path against wherever it lies.
      const entry = { ...(await corpusEntry(it.id, it.text, audio)), audio: `wavs/${it.id}.wav` };
      if (!withDurations) return entry;
      return { ...entry, durations: JSON.parse(readFileSync(durationsPath(it.cached), 'utf8')) as PhoneDurations };
    },
    ctx.signal,
  ).catch((err: unknown) => {
    // A cancelled engine process fails too; report the interruption, not its exit status.
    throw ctx.signal.aborted ? new StepInterrupted('speech-corpus interrupted; finished clips are cached') : err;
  });
  if (ctx.signal.aborted) throw new StepInterrupted('speech-corpus interrupted; finished clips are cached');

  const manifest: CorpusManifest = { kind: 'corpus', speaker: p.speaker ?? `${engine}-${voice.voice}`, utterances, skipped: [] };
  writeFileAtomic(join(ctx.outDir, 'metadata.csv'), utterances.map((u) => `${u.id}|${u.text}|${u.text}\n`).join(''));
  writeJsonAtomic(join(ctx.outDir, 'corpus.json'), manifest);
  const seconds = utterances.reduce((s, u) => s + u.duration, 0);
  ctx.metric('generated', missing.length);
  ctx.log(
    `speech-corpus: ${utterances.length} utterances, ${(seconds / 60).toFixed(1)} min of audio ` +
      `(${missing.length} generated, ${utterances.length - missing.length} from cache)`,
  );
}

/** One shard's part of the step: its missing clips into the cache, no output (the step's last job links them). */
async function speakShard(ctx: WorkContext & { signal: AbortSignal; params: SpeechCorpusParams }, shard: Shard, total: number, missing: Item[], voice: Voice, withDurations: boolean): Promise<void> {
  let done = total - missing.length;
  ctx.progress(done, total, 'utterances');
  await mapPool(missing, ctx.params.workers ?? availableParallelism(), async (it) => {
    await speakInto(voice, it.text, it.cached, ctx.signal, withDurations);
    ctx.progress(++done, total, 'utterances');
  }, ctx.signal).catch((err: unknown) => {
    throw ctx.signal.aborted ? new StepInterrupted('speech-corpus interrupted; finished clips are cached') : err;
  });
  if (ctx.signal.aborted) throw new StepInterrupted('speech-corpus interrupted; finished clips are cached');
  ctx.log(`speech-corpus: shard ${shard.index + 1} of ${shard.count}: ${missing.length} generated, ${total - missing.length} from cache`);
}

/** A long sentence (15 words, ~6 s at 16 kHz) takes about 200 KB: less free than this and a broken WAV is a full disk. */
const ROOM_FOR_A_CLIP = 1 << 20;

/** Synthesises into a temp file and publishes it only once it is a valid WAV (atomic); its durations after it. */
async function speakInto(voice: Voice, text: string, dest: string, signal: AbortSignal, withDurations: boolean): Promise<void> {
  const tmp = tempPathFor(dest);
  try {
    const durations = await synthesize(voice, text, tmp, signal, withDurations);
    try {
      readWavHeader(tmp);
    } catch (err) {
      throw new Error(`speech-corpus: ${voice.engine} wrote an unusable WAV for "${text}": ${(err as Error).message}`);
    }
    renameSync(tmp, dest);
    if (durations) writeJsonAtomic(durationsPath(dest), durations);
  } catch (err) {
    // The engines do not check their writes: on a full disk flite exits 0 leaving a truncated file.
    if (!signal.aborted && !(err instanceof UserError) && freeBytes(dest) < ROOM_FOR_A_CLIP) throw diskFullError(dest);
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}
