// The newest trained Text2Mel and SSRN of a pipeline in a cache (layout in cache-layout.ts): published entries `entries/<key>/` whose manifest.json (a
// BuildRecord, written last at publish) has the training kind and one of the pipeline's step
// names. Newest = latest finishedAt (else the manifest's mtime).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CacheLayout } from './cache-layout.ts';
import { readManifest } from './build-record.ts';
import { UserError } from '../errors.ts';

export const TEXT2MEL_KIND = 'train-text2mel';
export const SSRN_KIND = 'train-ssrn';

interface StepDecl {
  kind?: string;
  with?: Record<string, unknown>;
}

/** `steps:` of a pipeline file: name → { kind, with } (only what say needs; no validation). */
export function readPipelineSteps(file: string): Map<string, StepDecl> {
  if (!existsSync(file)) throw new UserError(`pipeline ${file} not found`);
  const doc = parse(readFileSync(file, 'utf8')) as { steps?: Record<string, StepDecl> } | null;
  if (!doc?.steps || typeof doc.steps !== 'object') throw new UserError(`${file}: no steps: block`);
  return new Map(Object.entries(doc.steps));
}

export interface TrainedEntry {
  step: string;
  dir: string;
  finished: number;
}

/** Published entries of `kind` made by one of `steps`, newest first. */
export function trainedEntries(cacheDir: string, kind: string, steps: ReadonlySet<string>): TrainedEntry[] {
  const cache = new CacheLayout(cacheDir);
  if (!existsSync(cache.entriesDir)) return [];
  const out: TrainedEntry[] = [];
  for (const key of readdirSync(cache.entriesDir)) {
    const record = readManifest(cache, key);
    if (!record) continue; // not published (interrupted), or unreadable
    if (record.kind !== kind || !steps.has(record.step) || !existsSync(join(cache.entry(key), 'model.json'))) continue;
    const finished = record.finishedAt ? Date.parse(record.finishedAt) : statSync(cache.manifest(key)).mtimeMs;
    out.push({ step: record.step, dir: cache.entry(key), finished });
  }
  return out.sort((a, b) => b.finished - a.finished);
}

/**
 * The newest Text2Mel of the pipeline, and the SSRN to speak with it: the one a synthesize step
 * of the pipeline pairs with that Text2Mel step, else any of the pipeline's SSRN steps.
 */
export function findVoice(pipelineFile: string, cacheDir: string): { text2mel?: TrainedEntry; ssrn?: TrainedEntry } {
  const steps = readPipelineSteps(pipelineFile);
  const named = (kind: string) => new Set([...steps].filter(([, s]) => s.kind === kind).map(([n]) => n));
  const text2mel = trainedEntries(cacheDir, TEXT2MEL_KIND, named(TEXT2MEL_KIND))[0];
  if (!text2mel) return {};
  const paired = new Set(
    [...steps.values()]
      .filter((s) => s.kind === 'synthesize' && s.with?.text2mel === text2mel.step && typeof s.with?.ssrn === 'string')
      .map((s) => s.with!.ssrn as string),
  );
  const ssrn = trainedEntries(cacheDir, SSRN_KIND, paired.size ? paired : named(SSRN_KIND))[0];
  return { text2mel, ssrn };
}
