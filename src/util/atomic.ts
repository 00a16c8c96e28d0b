// Atomic file writes: a reader (or a run resumed after SIGKILL) sees the old file or the
// new one, never a half-written one. Write to a temp file in the same directory, fsync, rename.
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { asDiskFull } from './disk-full.ts';

/** Names of the temp files and dirs of atomic writes (tempPathFor; checkpoints are built the same way). */
export const ATOMIC_TEMP = /^\..*\.tmp$/;

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to the new file `path` and fsyncs it; on failure the file is removed (a full disk
 * reported as such, for `reportedAs`). Not atomic by itself: the caller renames or links it into place.
 */
export function writeFileSynced(path: string, data: string | Uint8Array, reportedAs = path): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw asDiskFull(err, reportedAs) ?? err;
  }
  closeSync(fd);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  writeFileSynced(tmp, data, path);
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Removes what writes killed before their rename left in a tree (temp files and dirs named by
 * ATOMIC_TEMP). Only for a tree no live process writes to: a step's work dir as it is published.
 * Returns how many were removed.
 */
export function removeTempLeftovers(dir: string): number {
  let removed = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (ATOMIC_TEMP.test(e.name)) {
      rmSync(path, { recursive: true, force: true });
      removed++;
    } else if (e.isDirectory()) removed += removeTempLeftovers(path);
  }
  return removed;
}
