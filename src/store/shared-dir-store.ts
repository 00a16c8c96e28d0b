// A directory every worker mounts (NFS in production) as a Store (the logic is BlobStore's). Blobs
// go to blobs/sha256/<aa>/<hash> through tmp/ (temp + rename); an entry manifest is created with
// link(2), which fails when one exists, so the first publisher wins without a lock. Documents are
// staged in tmp/ too, never beside their destination: a writer killed mid-write leaves its temp
// file in tmp/, not among the entries and items that readers list.
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileSynced } from '../util/atomic.ts';
import { BlobStore, type StoreRoot } from './blob-store.ts';
import { BlobDir } from './tree-blobs.ts';

export class SharedDirRoot implements StoreRoot {
  readonly blobs: BlobDir;

  constructor(readonly root: string) {
    this.blobs = new BlobDir(root);
  }

  get url() {
    return `file://${this.root}`;
  }

  async read(path: string): Promise<string | undefined> {
    try {
      return readFileSync(join(this.root, path), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** The text written whole (fsynced) to a new file in tmp/, on the same file system as its destination. */
  private stage(path: string, text: string): string {
    const tmp = this.blobs.stagingPath();
    writeFileSynced(tmp, text, join(this.root, path));
    return tmp;
  }

  async write(path: string, text: string): Promise<void> {
    const dest = join(this.root, path);
    const tmp = this.stage(path, text);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(tmp, dest);
  }

  async create(path: string, text: string): Promise<boolean> {
    const dest = join(this.root, path);
    const tmp = this.stage(path, text);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      linkSync(tmp, dest);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** Removes the document and its folder (work/<key>/). */
  async remove(path: string): Promise<void> {
    rmSync(dirname(join(this.root, path)), { recursive: true, force: true });
  }
}

/** Staged files older than this belong to no live writer (they live for the length of one copy). */
const STALE_STAGING_MS = 24 * 3600_000;

export class SharedDirStore extends BlobStore {
  constructor(
    readonly root: string,
    mirrorDir: string,
  ) {
    super(new SharedDirRoot(root), mirrorDir);
  }

  /** Removes what writers killed mid-write left in tmp/ (files older than STALE_STAGING_MS). */
  sweepStaging(): { removed: number; where: string } {
    const now = Date.now();
    const tmp = join(this.root, 'tmp');
    let names: string[];
    try {
      names = readdirSync(tmp);
    } catch {
      return { removed: 0, where: tmp };
    }
    let removed = 0;
    for (const name of names) {
      try {
        if (now - statSync(join(tmp, name)).mtimeMs < STALE_STAGING_MS) continue;
        rmSync(join(tmp, name), { recursive: true, force: true });
        removed++;
      } catch {
        // gone meanwhile: another machine swept it
      }
    }
    return { removed, where: tmp };
  }
}
