// Moving a step's work dir into the cache and back. Publishing renames the work dir to its
// entry and writes the manifest last: a crash at any point leaves either the old entry, a work
// dir to resume, or an entry without manifest (never done; treated as a work dir next time).
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeTempLeftovers, writeJsonAtomic } from '../util/atomic.ts';
import type { BuildRecord } from './build-record.ts';
import type { CacheLayout } from './cache-layout.ts';
import type { StartMode } from './plan.ts';

/**
 * A copy made of hard links: cheap, and safe as long as steps replace files by rename. Only the
 * entry's own manifest (top level) stays behind; a step's files of that name deeper down (each
 * training checkpoint has one) are its outputs and come along.
 */
function linkTree(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true });
  for (const d of readdirSync(from, { withFileTypes: true })) {
    if (top && d.name === 'manifest.json') continue;
    if (d.isDirectory()) linkTree(join(from, d.name), join(to, d.name), false);
    else linkSync(join(from, d.name), join(to, d.name));
  }
}

function moveToTrash(cache: CacheLayout, dir: string): string {
  mkdirSync(cache.trashDir, { recursive: true });
  const trash = join(cache.trashDir, randomBytes(6).toString('hex'));
  renameSync(dir, trash);
  return trash;
}

/** Prepares and returns the work dir a step runs in. */
export function prepareWorkDir(cache: CacheLayout, key: string, start: StartMode): string {
  const work = cache.work(key);
  const entry = cache.entry(key);
  mkdirSync(cache.workDir, { recursive: true });
  // An entry without manifest is an interrupted publish: its content is the newest work.
  if (existsSync(entry) && !existsSync(cache.manifest(key)) && !existsSync(work)) renameSync(entry, work);
  if (start === 'fresh') rmSync(work, { recursive: true, force: true });
  if (!existsSync(work)) {
    if (start === 'continue' && existsSync(cache.manifest(key))) linkTree(entry, work);
    else mkdirSync(work, { recursive: true });
  }
  return work;
}

export function publish(cache: CacheLayout, record: BuildRecord): void {
  publishDir(cache, cache.work(record.key), record);
}

/** Publishes `dir` (on the cache's file system) as the entry of record.key, replacing an older one. */
export function publishDir(cache: CacheLayout, dir: string, record: BuildRecord): void {
  const entry = cache.entry(record.key);
  // A write killed before its rename (the step resumed after kill -9) left its temp file behind.
  removeTempLeftovers(dir);
  mkdirSync(cache.entriesDir, { recursive: true });
  const old = existsSync(entry) ? moveToTrash(cache, entry) : undefined;
  renameSync(dir, entry);
  writeJsonAtomic(cache.manifest(record.key), record);
  if (old) rmSync(old, { recursive: true, force: true });
}
