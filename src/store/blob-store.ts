// A Store shared between machines, over any place that keeps blobs and small JSON documents
// (a StoreRoot: a shared directory, an S3 bucket). Layout under the root:
//   blobs/sha256/...              file contents by hash, written once
//   entries/<key>/manifest.json   {record, files, dirs}: written last, so an entry is whole or absent
//   work/<key>/manifest.json      {files, dirs, savedAt}: the newest saved state of a running step
//   items/<namespace>/<name>.json per-item caches, one by one (item-blobs.ts)
// Publishing is first-wins without any lock: the manifest is created only when none exists; a
// manifest of the same output (key and budget) whose blobs are all there means done, and the second
// publisher discards its copy. No pid decides anything here: pids mean nothing across machines
// (ownership of a running step comes from the engine: Argo's pod, BullMQ's job lock).
// This machine works in a local mirror (a CacheLayout): fetched entries, work dirs, per-item caches.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { readManifest, type BuildRecord } from '../runner/build-record.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import type { StartMode } from '../runner/plan.ts';
import { prepareWorkDir, publishDir } from '../runner/publish.ts';
import { ItemBlobs } from './item-blobs.ts';
import { complete, fetchTree, storeTree, type Blobs, type StoredFiles, type TreeListing } from './tree-blobs.ts';
import type { PublishResult, Store } from './store.ts';

/** Where a shared store keeps its blobs and documents; paths are relative ('entries/k/manifest.json'). */
export interface StoreRoot {
  readonly url: string;
  readonly blobs: Blobs;
  /** The document's text; undefined when absent (or not yet whole). */
  read(path: string): Promise<string | undefined>;
  /** Writes the document whole, replacing one that is there. */
  write(path: string, text: string): Promise<void>;
  /** Writes the document only when none is there; false when one was. */
  create(path: string, text: string): Promise<boolean>;
  remove(path: string): Promise<void>;
}

interface EntryManifest extends TreeListing {
  record: BuildRecord;
}

interface SavedWork extends TreeListing {
  savedAt: string;
}

const entryManifestPath = (key: string) => `entries/${key}/manifest.json`;
const savedWorkPath = (key: string) => `work/${key}/manifest.json`;
const asJson = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

export class BlobStore implements Store {
  protected readonly mirror: CacheLayout;
  private readonly stored: StoredFiles = new Map();
  private readonly items: ItemBlobs;

  constructor(
    protected readonly shared: StoreRoot,
    mirrorDir: string,
  ) {
    this.mirror = new CacheLayout(mirrorDir);
    this.items = new ItemBlobs(shared, this.mirror.root, this.stored);
  }

  get url() {
    return this.shared.url;
  }

  get localDir() {
    return this.mirror.root;
  }

  private async readJson<T>(path: string): Promise<T | undefined> {
    const text = await this.shared.read(path);
    try {
      return text === undefined ? undefined : (JSON.parse(text) as T);
    } catch {
      return undefined; // not yet whole on a file system without atomic rename: a miss
    }
  }

  private readEntry = (key: string) => this.readJson<EntryManifest>(entryManifestPath(key));
  private incoming = () => join(this.mirror.root, 'incoming', randomBytes(6).toString('hex'));

  /** A manifest whose blobs are not all there is no entry (blobs may have been evicted). */
  async lookup(key: string): Promise<BuildRecord | undefined> {
    const entry = await this.readEntry(key);
    return entry && (await complete(this.shared.blobs, entry)) ? entry.record : undefined;
  }

  async fetch(key: string): Promise<string | undefined> {
    const entry = await this.readEntry(key);
    if (!entry) return undefined;
    if (readManifest(this.mirror, key)?.outputId === entry.record.outputId) return this.mirror.entry(key);
    const incoming = this.incoming();
    if (!(await fetchTree(this.shared.blobs, entry, incoming))) return undefined;
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
    const saved = await this.readJson<SavedWork>(savedWorkPath(key));
    if (saved) {
      const incoming = this.incoming();
      if (await fetchTree(this.shared.blobs, saved, incoming)) {
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
    const listing = await storeTree(this.shared.blobs, work, this.stored);
    await this.shared.write(savedWorkPath(key), asJson({ ...listing, savedAt: new Date().toISOString() } satisfies SavedWork));
  }

  async publish(record: BuildRecord): Promise<PublishResult> {
    const work = this.mirror.work(record.key);
    const listing = await storeTree(this.shared.blobs, work, this.stored);
    const path = entryManifestPath(record.key);
    const manifest = asJson({ record, ...listing } satisfies EntryManifest);
    const done = async () => {
      const there = await this.readEntry(record.key);
      return there !== undefined && there.record.outputId === record.outputId && (await complete(this.shared.blobs, there));
    };
    if (await done()) return this.discard(record.key);
    if (!(await this.shared.create(path, manifest))) {
      // Another publisher got there first: done if it is this output; else it is an entry of another
      // budget, or one with blobs gone, which this output replaces.
      if (await done()) return this.discard(record.key);
      await this.shared.write(path, manifest);
    }
    await this.shared.remove(savedWorkPath(record.key));
    publishDir(this.mirror, work, record);
    return 'published';
  }

  fetchItems(namespace: string, names: string[]): Promise<number> {
    return this.items.fetch(namespace, names);
  }

  publishItems(namespace: string, names: string[]): Promise<number> {
    return this.items.publish(namespace, names);
  }

  /** The second publisher of an output: its work dir goes; the winner's entry is fetched when needed. */
  private discard(key: string): PublishResult {
    rmSync(this.mirror.work(key), { recursive: true, force: true });
    return 'exists';
  }
}
