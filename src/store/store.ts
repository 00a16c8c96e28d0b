// The seam between a step and where step outputs live. A step's inputs are fetched and its output
// published by cache key through a Store, never by absolute paths of one machine, so the same
// step code runs against the local cache folder, a directory every worker mounts, or (later) a
// bucket. Every store works in a local directory on this machine (`localDir`, laid out as a
// CacheLayout): the step's work dir, fetched inputs and per-item caches live there.
import type { BuildRecord } from '../runner/build-record.ts';
import type { StartMode } from '../runner/plan.ts';

/** 'exists': an entry of the same output (key and budget) was already published; this copy was discarded. */
export type PublishResult = 'published' | 'exists';

export interface Store {
  /** Where the store is, for messages (a cache folder, file:///mnt/voices). */
  readonly url: string;
  /** The local directory this machine works in (StepContext.cacheDir). */
  readonly localDir: string;
  /** The build record of the published entry of `key`; undefined when there is none. */
  lookup(key: string): Promise<BuildRecord | undefined>;
  /**
   * A local directory holding the published entry of `key` (read-only), or undefined on a miss:
   * nothing published, or part of it gone (a missing blob is a miss, never an error).
   */
  fetch(key: string): Promise<string | undefined>;
  /** The local dir the step of `key` runs in (no side effect; see prepareWork). */
  workDir(key: string): string;
  /**
   * Prepares and returns workDir(key). 'fresh' empties it. Otherwise it holds the newest earlier
   * work there is: the local cache follows the planner's decision (resume an interrupted work dir,
   * continue a published entry); stores shared between machines also look for checkpoints another
   * machine saved (saveWork) and for a published entry of another budget to continue. A planner
   * that looked only at the local cache says 'fresh' also when it found nothing there: with a
   * shared store pass 'fresh' only for a forced run, else 'resume' (as runStoreJob does).
   */
  prepareWork(key: string, start: StartMode): Promise<string>;
  /** Saves the work dir as it is now (training checkpoints), where a retry on another machine finds it. */
  saveWork(key: string): Promise<void>;
  /**
   * Publishes workDir(record.key) as the entry of record.key, its manifest (the record) written
   * last: readers see no entry or a whole one. Two publishers of one output are normal: the first
   * wins and the second's copy is discarded ('exists').
   */
  publish(record: BuildRecord): Promise<PublishResult>;
  /**
   * Per-item caches (StepKind.items): brings the names of `namespace` that the store holds and
   * this machine lacks into localDir/items/<namespace>/, and returns how many it brought. A name
   * not in the store, or with part of it gone, is a miss (the step computes it), never an error.
   */
  fetchItems(namespace: string, names: string[]): Promise<number>;
  /** Puts the names present in localDir/items/<namespace>/ that the store lacks into it (first wins); returns how many. */
  publishItems(namespace: string, names: string[]): Promise<number>;
  /**
   * Stores that stage copies beside their entries: removes what writers killed mid-write left
   * staged a day or more ago; says how many and where. Workers call it when they start.
   */
  sweepStaging?(): { removed: number; where: string };
}
