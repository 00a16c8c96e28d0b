// The local cache folder as a Store: today's layout (src/runner/cache-layout.ts), publish by
// atomic rename with the manifest last, replacing an entry of another budget. The runner's lock
// keeps other runs off it, so there is nothing to save for another machine.
import { readManifest } from '../runner/build-record.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import type { StartMode } from '../runner/plan.ts';
import { prepareWorkDir, publish } from '../runner/publish.ts';
import type { BuildRecord } from '../runner/build-record.ts';
import type { PublishResult, Store } from './store.ts';

export class LocalStore implements Store {
  readonly cache: CacheLayout;

  constructor(cache: CacheLayout | string) {
    this.cache = typeof cache === 'string' ? new CacheLayout(cache) : cache;
  }

  get url() {
    return this.cache.root;
  }

  get localDir() {
    return this.cache.root;
  }

  async lookup(key: string): Promise<BuildRecord | undefined> {
    return readManifest(this.cache, key);
  }

  async fetch(key: string): Promise<string | undefined> {
    return readManifest(this.cache, key) ? this.cache.entry(key) : undefined;
  }

  workDir(key: string): string {
    return this.cache.work(key);
  }

  async prepareWork(key: string, start: StartMode): Promise<string> {
    return prepareWorkDir(this.cache, key, start);
  }

  async saveWork(): Promise<void> {
    // The work dir is in the cache already and survives the step's process.
  }

  async publish(record: BuildRecord): Promise<PublishResult> {
    publish(this.cache, record);
    return 'published';
  }

  // The cache folder holds the per-item caches themselves: nothing to bring or put.
  async fetchItems(_namespace: string, _names: string[]): Promise<number> {
    return 0;
  }

  async publishItems(_namespace: string, _names: string[]): Promise<number> {
    return 0;
  }
}
