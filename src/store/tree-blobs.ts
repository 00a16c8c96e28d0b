// A directory tree as content-addressed blobs: storing a tree puts each file into a blob store
// under its sha256 (skipped when that blob is there) and returns its listing (relative path ->
// hash); fetching copies the blobs of a listing back into a directory. The hash is taken of a
// copy, so a file that a running step appends to (step.log) is never stored under a wrong name.
// Blobs is what a place to keep them provides: BlobDir a directory here, S3Blobs a bucket.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ATOMIC_TEMP } from '../util/atomic.ts';
import { hashFile } from '../util/hash.ts';

export interface TreeListing {
  /** Relative path (with '/') -> sha256 of its content. */
  files: Record<string, string>;
  /** Every directory (relative), so empty ones come back too. */
  dirs: string[];
}

/** Per-process memo of the files already stored: an unchanged file (same size, mtime, inode) is not copied again. */
export type StoredFiles = Map<string, { size: number; mtimeMs: number; ino: number; hash: string }>;

export interface Blobs {
  /** Copies `file` into the store and returns the hash of what was copied. */
  put(file: string): Promise<string>;
  has(hash: string): Promise<boolean>;
  /** Writes the blob to `dest`; false when the store does not have it. */
  get(hash: string, dest: string): Promise<boolean>;
}

/** Copies `file` to `tmp` and hashes the copy (the file may still be growing). */
export async function snapshot(file: string, tmp: string): Promise<string> {
  mkdirSync(dirname(tmp), { recursive: true });
  copyFileSync(file, tmp);
  return hashFile(tmp);
}

export class BlobDir implements Blobs {
  constructor(readonly root: string) {}

  path = (hash: string) => join(this.root, 'blobs', 'sha256', hash.slice(0, 2), hash);

  /** A new name in tmp/, where files are written before they are moved into place (same file system). */
  stagingPath = () => join(this.root, 'tmp', randomBytes(8).toString('hex'));

  async has(hash: string): Promise<boolean> {
    return existsSync(this.path(hash));
  }

  async put(file: string): Promise<string> {
    const tmp = this.stagingPath();
    const hash = await snapshot(file, tmp);
    const dest = this.path(hash);
    if (existsSync(dest)) rmSync(tmp);
    else {
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(tmp, dest);
    }
    return hash;
  }

  async get(hash: string, dest: string): Promise<boolean> {
    try {
      copyFileSync(this.path(hash), dest);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return false;
    }
  }
}

/** The top-level names of `dir` to store, and whether each is a folder (a name that is gone is left out). */
function topLevel(dir: string, only: string[] | undefined): { name: string; folder: boolean }[] {
  if (!only) return readdirSync(dir, { withFileTypes: true }).filter((d) => d.name !== 'manifest.json').map((d) => ({ name: d.name, folder: d.isDirectory() }));
  return only.flatMap((name) => {
    try {
      return [{ name, folder: statSync(join(dir, name)).isDirectory() }];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return [];
    }
  });
}

/**
 * Stores every file under `dir` (its top-level manifest.json aside: that is the entry's, not the
 * step's); with `only`, just those top-level names of it (files or folders: one per-item cache
 * item among thousands, without listing the folder).
 */
export async function storeTree(blobs: Blobs, dir: string, memo: StoredFiles = new Map(), only?: string[]): Promise<TreeListing> {
  const listing: TreeListing = { files: {}, dirs: [] };
  const walk = async (rel: string): Promise<void> => {
    let entries: { name: string; folder: boolean }[];
    try {
      entries = rel ? readdirSync(join(dir, rel), { withFileTypes: true }).map((d) => ({ name: d.name, folder: d.isDirectory() })) : topLevel(dir, only);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && rel) return;
      throw err;
    }
    for (const d of entries) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (ATOMIC_TEMP.test(d.name)) continue;
      if (d.folder) {
        listing.dirs.push(r);
        await walk(r);
        continue;
      }
      const path = join(dir, r);
      try {
        const st = statSync(path);
        const known = memo.get(path);
        const unchanged = known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino && (await blobs.has(known.hash));
        const hash = unchanged ? known.hash : await blobs.put(path);
        memo.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash });
        listing.files[r] = hash;
      } catch (err) {
        // Removed while a running step is being saved (an old checkpoint pruned): not part of it.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  };
  await walk('');
  return listing;
}

/** True when every blob of the listing is in the store. */
export async function complete(blobs: Blobs, listing: TreeListing): Promise<boolean> {
  for (const hash of new Set(Object.values(listing.files))) if (!(await blobs.has(hash))) return false;
  return true;
}

/** Writes the listing's tree into the new directory `dest`; false (and nothing left) when a blob is missing. */
export async function fetchTree(blobs: Blobs, listing: TreeListing, dest: string): Promise<boolean> {
  mkdirSync(dest, { recursive: true });
  for (const d of listing.dirs) mkdirSync(join(dest, d), { recursive: true });
  for (const [rel, hash] of Object.entries(listing.files)) {
    if (!(await blobs.get(hash, join(dest, rel)))) {
      rmSync(dest, { recursive: true, force: true });
      return false;
    }
  }
  return true;
}
