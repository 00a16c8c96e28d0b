// The per-item caches (`items/<namespace>/<name>` in the local mirror: a clip's features, a spoken
// sentence) kept one by one in a shared store, so items computed on any machine, by a shard of a
// big step or by a whole run, are fetched instead of computed again. In the store:
//   items/<namespace>/<name>.json   the item's listing (its files as blobs): written last, first wins
// An item is immutable (its name is a hash of what it is computed from), so a second publisher of
// a name only checks that the listing is there with its blobs. Many items at a time: a bucket's
// round trips, not the bytes, are what thousands of small items cost.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mapPool } from '../data/pool.ts';
import type { StoreRoot } from './blob-store.ts';
import { complete, fetchTree, storeTree, type StoredFiles, type TreeListing } from './tree-blobs.ts';

/** Items fetched or published at once. */
const CONCURRENT = 16;

const listingPath = (namespace: string, name: string) => `items/${namespace}/${name}.json`;

export class ItemBlobs {
  /** `<namespace>/<name>` of the items this process saw whole in the store. */
  private readonly stored = new Set<string>();

  constructor(
    private readonly shared: StoreRoot,
    private readonly mirrorRoot: string,
    private readonly memo: StoredFiles,
  ) {}

  private local = (namespace: string, name: string) => join(this.mirrorRoot, 'items', namespace, name);

  /** The item's listing in the store: absent, or 'broken' when cut short (a file system without atomic rename). */
  private async listing(namespace: string, name: string): Promise<TreeListing | 'broken' | undefined> {
    const text = await this.shared.read(listingPath(namespace, name));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as TreeListing;
    } catch {
      return 'broken';
    }
  }

  async fetch(namespace: string, names: string[]): Promise<number> {
    const missing = names.filter((name) => !existsSync(this.local(namespace, name)));
    let fetched = 0;
    await mapPool(missing, CONCURRENT, async (name) => {
      const listing = await this.listing(namespace, name);
      if (!listing || listing === 'broken') return;
      const incoming = join(this.mirrorRoot, 'incoming', randomBytes(6).toString('hex'));
      if (!(await fetchTree(this.shared.blobs, listing, incoming))) return;
      try {
        if (!existsSync(join(incoming, name))) return; // a listing of something else: a miss
        mkdirSync(join(this.mirrorRoot, 'items', namespace), { recursive: true });
        // The rename is the commit: a name that exists is whole. A step of this machine may have
        // computed the same item meanwhile: its copy stays.
        if (!existsSync(this.local(namespace, name))) renameSync(join(incoming, name), this.local(namespace, name));
        this.stored.add(`${namespace}/${name}`);
        fetched++;
      } finally {
        rmSync(incoming, { recursive: true, force: true });
      }
    });
    return fetched;
  }

  async publish(namespace: string, names: string[]): Promise<number> {
    const dir = join(this.mirrorRoot, 'items', namespace);
    const todo = names.filter((name) => !this.stored.has(`${namespace}/${name}`) && existsSync(join(dir, name)));
    let published = 0;
    await mapPool(todo, CONCURRENT, async (name) => {
      let there = await this.listing(namespace, name);
      if (there !== undefined && there !== 'broken' && !(await complete(this.shared.blobs, there))) there = 'broken'; // blobs evicted
      const outcome = there === undefined || there === 'broken' ? await this.put(dir, namespace, name, there) : 'there';
      if (outcome === 'published') published++;
      if (outcome !== 'gone') this.stored.add(`${namespace}/${name}`);
    });
    return published;
  }

  /** Stores the item's files, then its listing: replacing a broken one, else only when none is there (the first publisher wins). */
  private async put(dir: string, namespace: string, name: string, there: 'broken' | undefined): Promise<'published' | 'there' | 'gone'> {
    const listing = await storeTree(this.shared.blobs, dir, this.memo, [name]);
    if (!listing.dirs.length && !Object.keys(listing.files).length) return 'gone'; // removed meanwhile
    const text = JSON.stringify(listing) + '\n';
    if (there === undefined) return (await this.shared.create(listingPath(namespace, name), text)) ? 'published' : 'there';
    await this.shared.write(listingPath(namespace, name), text);
    return 'published';
  }
}
