// The work of the `ljspeech` step: validate and hash every candidate, write corpus.json.
import { join } from 'node:path';
import { StepInterrupted } from '../errors.ts';
import type { CorpusManifest, CorpusUtterance } from './corpus-manifest.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { WorkContext } from '../util/work-context.ts';
import { corpusEntry } from './corpus-entry.ts';
import { findCandidates } from './local-corpus.ts';
import { mapPool } from './pool.ts';
import { SkipReport, type OnError } from './skip-report.ts';
import { BadWav } from './wav-header.ts';

/** The `with:` block of the `ljspeech` step. */
export interface LjspeechParams {
  root?: string;
  from?: string;
  subdir?: string;
  speaker?: string;
  limit?: number;
  on_error?: OnError;
}

/** Hashing is disk-bound: a few files in flight keep the disk busy without thrashing it. */
const IO_WORKERS = 4;

export async function readLocalCorpus(ctx: WorkContext & { params: LjspeechParams; outDir: string }, root: string, speaker: string): Promise<void> {
  const report = new SkipReport('ljspeech', ctx.params.on_error ?? 'skip', (m) => ctx.warn(m));
  const candidates = findCandidates(root, report);
  const limit = ctx.params.limit ?? Infinity;
  const utterances: CorpusUtterance[] = [];
  let next = 0;
  let checked = 0;
  // With a limit, look at only as many files as still needed (hashing all of a big corpus for
  // its first hundred clips would waste minutes); skipped ones are replaced by the next batch.
  while (utterances.length < limit && next < candidates.length && !ctx.signal.aborted) {
    const batch = candidates.slice(next, next + Math.min(limit - utterances.length, candidates.length));
    next += batch.length;
    const entries = await mapPool(
      batch,
      IO_WORKERS,
      async (c) => {
        try {
          return await corpusEntry(c.id, c.text, c.audio);
        } catch (err) {
          if (!(err instanceof BadWav)) throw err;
          report.skip(c.file, err.message);
          return undefined;
        } finally {
          ctx.progress(++checked, candidates.length, 'files');
        }
      },
      ctx.signal,
    );
    for (const e of entries) if (e && utterances.length < limit) utterances.push(e);
  }
  if (ctx.signal.aborted) throw new StepInterrupted('ljspeech interrupted');
  const manifest: CorpusManifest = { kind: 'corpus', speaker, utterances, skipped: report.skipped };
  writeJsonAtomic(join(ctx.outDir, 'corpus.json'), manifest);
  const minutes = utterances.reduce((s, u) => s + u.duration, 0) / 60;
  ctx.log(`ljspeech: ${report.summary(utterances.length)} (${minutes.toFixed(1)} min of audio from ${root})`);
}
