// The persisted view of a run, written atomically to cache/runs/<pipeline>.json at every
// transition and every few seconds while steps report (src/runner/run-pipeline.ts); `vcpipe
// status` reads it, and a run after a crash learns what was in flight.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState, StepState } from './events.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { CacheLayout } from './cache-layout.ts';
import type { LiveArtifact, LiveProgress } from './live-steps.ts';

/** Least time between two snapshot writes for step reports alone (transitions write at once). */
export const SNAPSHOT_REFRESH_MS = 5_000;

export interface StepSnapshot {
  state: StepState;
  kind: string;
  key: string;
  reason: string;
  workDir?: string;
  startedAt?: number;
  endedAt?: number;
  error?: string;
  log?: string;
  /** Last progress the step reported, with its rate (`time`, `rate`: absent in older snapshots). */
  progress?: Omit<LiveProgress, 'time'> & { time?: number };
  /** Last value of each metric the step reported in this run (for `vcpipe report`). */
  metrics?: Record<string, number>;
  /** Files the step announced in this run (absolute paths; the newest MAX_ARTIFACTS). */
  artifacts?: LiveArtifact[];
}

export interface RunSnapshot {
  pipeline: string;
  file: string;
  pid: number;
  /** 'loading' before the plan exists; then a RunState. */
  state: RunState | 'loading';
  startedAt: number;
  updatedAt: number;
  message?: string;
  steps: Record<string, StepSnapshot>;
}

export const writeRunSnapshot = (cache: CacheLayout, snap: RunSnapshot) => writeJsonAtomic(cache.run(snap.pipeline), snap);

export function readRunSnapshot(path: string): RunSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as RunSnapshot;
}

/** The most recently updated snapshot in the cache. */
export function latestRunSnapshot(cache: CacheLayout): string | undefined {
  if (!existsSync(cache.runsDir)) return undefined;
  const files = readdirSync(cache.runsDir).filter((f) => f.endsWith('.json')).map((f) => join(cache.runsDir, f));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}
