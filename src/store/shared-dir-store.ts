// A directory every worker mounts (NFS in production) as a Store (the logic is BlobStore's). Blobs
// go to blobs/sha256/<aa>/<hash> through tmp/ (temp + rename); an entry manifest is created with
// link(2), which fails when one exists, so the first publisher wins without a lock.
import { linkSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempPathFor, writeFileAtomic } from '../util/atomic.ts';
import { BlobStore, type StoreRoot } from './blob-store.ts';
import { BlobDir } from './tree-blobs.ts';

class SharedDir implements StoreRoot {
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

  async write(path: string, text: string): Promise<void> {
    writeFileAtomic(join(this.root, path), text);
  }

  async create(path: string, text: string): Promise<boolean> {
    const dest = join(this.root, path);
    const tmp = tempPathFor(dest);
    writeFileAtomic(tmp, text);
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

export class SharedDirStore extends BlobStore {
  constructor(
    readonly root: string,
    mirrorDir: string,
  ) {
    super(new SharedDir(root), mirrorDir);
  }
}
