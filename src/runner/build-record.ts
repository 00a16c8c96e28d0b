// What a step output was built from. Written as the entry's manifest (last, which marks the
// entry done) and as the step's history record, which the planner diffs to explain a rerun.
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { CacheLayout } from './cache-layout.ts';

export interface BuildRecord {
  key: string;
  /** Identity of the output as downstream steps see it: the key plus the budget it ran to. */
  outputId: string;
  step: string;
  kind: string;
  version: number;
  /** Params in the key (budget params left out). */
  params: Record<string, unknown>;
  budget: Record<string, unknown>;
  /** Upstream step name -> its outputId. */
  upstream: Record<string, string>;
  /** Input path (relative to the pipeline dir when inside it) -> fingerprint. */
  inputs: Record<string, string>;
  /** Seconds the last run of the step took (set when published). */
  duration?: number;
  finishedAt?: string;
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const readManifest = (cache: CacheLayout, key: string) => readJson<BuildRecord>(cache.manifest(key));
export const readHistory = (cache: CacheLayout, pipeline: string, step: string) =>
  readJson<BuildRecord>(cache.history(pipeline, step));
export const writeHistory = (cache: CacheLayout, pipeline: string, record: BuildRecord) =>
  writeJsonAtomic(cache.history(pipeline, record.step), record);
