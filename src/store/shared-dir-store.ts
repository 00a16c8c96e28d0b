// A directory every worker mounts (NFS in production) as a Store. Layout under its root:
//   blobs/sha256/<aa>/<hash>      file contents, written once (temp + rename)
//   entries/<key>/manifest.json   {record, files, dirs}: written last, so an entry is whole or absent
//   work/<key>/manifest.json      {files, dirs, savedAt}: the newest saved state of a running step
//   tmp/                          copies on their way into blobs/
// Publishing is first-wins without any lock: the manifest is created with link(2), which fails when
// one exists; a manifest of the same output (key and budget) whose blobs are all there means done, and
// the second publisher discards its copy. No pid decides anything here: pids mean nothing across
// machines (ownership of a running step comes from the engine: Argo's pod, BullMQ's job lock).
// This machine works in a local mirror (a CacheLayout): fetched entries, work dirs, per-item caches.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { writeJsonAtomic, writeFileAtomic, tempPathFor } from '../util/atomic.ts';
import { readManifest, type BuildRecord } from '../runner/build-record.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import type { StartMode } from '../runner/plan.ts';
import { prepareWorkDir, publishDir } from '../runner/publish.ts';
import { BlobDir, type StoredFiles, type TreeListing } from './tree-blobs.ts';
import type { PublishResult, Store } from './store.ts';

interface EntryManifest extends TreeListing {
  record: BuildRecord;
}

interface SavedWork extends TreeListing {
  savedAt: string;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    // Absent, or not yet whole on a file system without atomic rename: a miss either way.
    return undefined;
  }
}

export class SharedDirStore implements Store {
  private readonly blobs: BlobDir;
  private readonly mirror: CacheLayout;
  private readonly stored: StoredFiles = new Map();

  constructor(
    readonly root: string,
    mirrorDir: string,
  ) {
    this.blobs = new BlobDir(root);
    this.mirror = new CacheLayout(mirrorDir);
  }

  get url() {
    return `file://${this.root}`;
  }

  get localDir() {
    return this.mirror.root;
  }

  private entryManifestPath = (key: string) => join(this.root, 'entries', key, 'manifest.json');
  private savedWorkPath = (key: string) => join(this.root, 'work', key, 'manifest.json');
  private readEntry = (key: string) => readJson<EntryManifest>(this.entryManifestPath(key));

  /** A manifest whose blobs are not all there is no entry (blobs may have been evicted). */
  async lookup(key: string): Promise<BuildRecord | undefined> {
    const entry = this.readEntry(key);
    return entry && this.blobs.complete(entry) ? entry.record : undefined;
  }

  async fetch(key: string): Promise<string | undefined> {
    const entry = this.readEntry(key);
    if (!entry) return undefined;
    if (readManifest(this.mirror, key)?.outputId === entry.record.outputId) return this.mirror.entry(key);
    const incoming = join(this.mirror.root, 'incoming', randomBytes(6).toString('hex'));
    if (!this.blobs.fetchTree(entry, incoming)) return undefined;
    publishDir(this.mirror, incoming, entry.record);
    return this.mirror.entry(key);
  }

  workDir(key: string): string {
    return this.mirror.work(key);
  }

  async prepareWork(key: string, start: StartMode): Promise<string> {
    const work = this.mirror.work(key);
    if (start === 'fresh') return prepareWorkDir(this.mirror, key, 'fresh');
    // Checkpoints saved by whoever ran this step last (maybe another machine) are the newest work:
    // they replace a local work dir, which is at most one checkpoint ahead of its own last save.
    const saved = readJson<SavedWork>(this.savedWorkPath(key));
    if (saved) {
      const incoming = join(this.mirror.root, 'incoming', randomBytes(6).toString('hex'));
      if (this.blobs.fetchTree(saved, incoming)) {
        rmSync(work, { recursive: true, force: true });
        mkdirSync(dirname(work), { recursive: true });
        renameSync(incoming, work);
        return work;
      }
    }
    // A published entry of another budget is continued, like a local run does.
    if (!existsSync(work)) await this.fetch(key);
    return prepareWorkDir(this.mirror, key, 'continue');
  }

  async saveWork(key: string): Promise<void> {
    const work = this.mirror.work(key);
    if (!existsSync(work)) return;
    const listing = await this.blobs.storeTree(work, this.stored);
    writeJsonAtomic(this.savedWorkPath(key), { ...listing, savedAt: new Date().toISOString() } satisfies SavedWork);
  }

  async publish(record: BuildRecord): Promise<PublishResult> {
    const work = this.mirror.work(record.key);
    const listing = await this.blobs.storeTree(work, this.stored);
    const path = this.entryManifestPath(record.key);
    const manifest = JSON.stringify({ record, ...listing } satisfies EntryManifest, null, 2) + '\n';
    const done = () => {
      const there = this.readEntry(record.key);
      return there !== undefined && there.record.outputId === record.outputId && this.blobs.complete(there);
    };
    if (done()) return this.discard(record.key);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = tempPathFor(path);
    writeFileAtomic(tmp, manifest);
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another publisher got there first: done if it is this output; else it is an entry of another
      // budget, or one with blobs gone, which this output replaces.
      if (done()) {
        rmSync(tmp, { force: true });
        return this.discard(record.key);
      }
      renameSync(tmp, path);
    }
    rmSync(tmp, { force: true });
    rmSync(dirname(this.savedWorkPath(record.key)), { recursive: true, force: true });
    publishDir(this.mirror, work, record);
    return 'published';
  }

  /** The second publisher of an output: its work dir goes; the winner's entry is fetched when needed. */
  private discard(key: string): PublishResult {
    rmSync(this.mirror.work(key), { recursive: true, force: true });
    return 'exists';
  }
}
