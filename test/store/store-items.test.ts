// Per-item caches in the stores shared between machines (fetchItems / publishItems), on a real
// shared directory and a real S3-compatible server (s3rver on 127.0.0.1): items computed on one
// machine (a folder item like preprocess's, file items like speech-corpus's) are fetched whole on
// another; the first publisher of a name wins; a name missing from the store, with a blob gone or
// with a listing cut short, is a miss and never an error; a listing whose blobs are gone is
// replaced by the next publisher; the local cache folder has nothing to fetch or publish.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SharedDirStore } from '../../src/store/shared-dir-store.ts';
import { S3Store, s3ClientFromEnv } from '../../src/store/s3-store.ts';
import { LocalStore } from '../../src/store/local-store.ts';
import type { Store } from '../../src/store/store.ts';
import { startS3rver } from './s3-server.ts';

startS3rver();

/** Two machines on one store, and what the store holds (paths under its root) with ways to damage it. */
interface Machines {
  a: Store;
  b: Store;
  dir: string;
  list(under: string): Promise<string[]>;
  put(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
}

let prefixes = 0;
const kinds: [string, () => Machines][] = [
  [
    'shared directory',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vcpipe-items-'));
      const root = join(dir, 'shared');
      const walk = (rel: string): string[] =>
        readdirSync(join(root, rel), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(`${rel}/${d.name}`) : [`${rel}/${d.name}`.slice(1)]));
      return {
        dir,
        a: new SharedDirStore(root, join(dir, 'a')),
        b: new SharedDirStore(root, join(dir, 'b')),
        list: async (under) => (existsSync(join(root, under)) ? walk(`/${under.replace(/\/$/, '')}`).sort() : []),
        put: async (path, text) => writeFileSync(join(root, path), text),
        remove: async (path) => rmSync(join(root, path)),
      };
    },
  ],
  [
    'S3 bucket',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vcpipe-items-s3-'));
      const prefix = `items${++prefixes}-${Date.now()}`;
      const client = s3ClientFromEnv();
      return {
        dir,
        a: new S3Store(client, 'voices', prefix, join(dir, 'a')),
        b: new S3Store(client, 'voices', prefix, join(dir, 'b')),
        list: async (under) => {
          const out = await client.send(new ListObjectsV2Command({ Bucket: 'voices', Prefix: `${prefix}/${under}` }));
          return (out.Contents ?? []).map((o) => o.Key!.slice(prefix.length + 1)).sort();
        },
        put: async (path, text) => void (await client.send(new PutObjectCommand({ Bucket: 'voices', Key: `${prefix}/${path}`, Body: text }))),
        remove: async (path) => void (await client.send(new DeleteObjectCommand({ Bucket: 'voices', Key: `${prefix}/${path}` }))),
      };
    },
  ],
];

const itemDir = (store: Store, ns: string) => join(store.localDir, 'items', ns);

/** A folder item (features: two arrays and meta.json, written whole by rename as the steps do). */
function writeFolderItem(store: Store, name: string, content: string): void {
  const tmp = join(itemDir(store, 'features'), `.${name}.tmp`);
  mkdirSync(join(tmp, 'sub'), { recursive: true });
  writeFileSync(join(tmp, 'mel.npy'), `mel ${content}`);
  writeFileSync(join(tmp, 'sub', 'meta.json'), `{"of": "${content}"}`);
  mkdirSync(join(tmp, 'empty'));
  rmSync(join(itemDir(store, 'features'), name), { recursive: true, force: true });
  writeFileSync(join(tmp, '..', 'ignored-neighbour'), 'not an item of this run');
  renameSync(tmp, join(itemDir(store, 'features'), name));
}

describe.each(kinds)('per-item caches in a %s store', { timeout: 60_000 }, (_, make) => {
  it('items computed on one machine are fetched whole on another; the store lists one listing per name', async () => {
    const { a, b, list } = make();
    writeFolderItem(a, 'f1', 'one');
    writeFolderItem(a, 'f2', 'two');
    mkdirSync(itemDir(a, 'speech'), { recursive: true });
    writeFileSync(join(itemDir(a, 'speech'), 'k1.wav'), 'RIFF k1');
    writeFileSync(join(itemDir(a, 'speech'), 'k1.psdur.json'), '{"phones": []}');
    // Names the machine does not hold (not computed: an unusable clip) are not published.
    expect(await a.publishItems('features', ['f1', 'f2', 'absent'])).toBe(2);
    expect(await a.publishItems('speech', ['k1.wav', 'k1.psdur.json', 'k2.wav'])).toBe(2);
    expect(await list('items/')).toEqual(['items/features/f1.json', 'items/features/f2.json', 'items/speech/k1.psdur.json.json', 'items/speech/k1.wav.json']);
    // Published again: nothing new.
    expect(await a.publishItems('features', ['f1', 'f2'])).toBe(0);

    expect(await b.fetchItems('features', ['f1', 'f2', 'absent'])).toBe(2);
    for (const name of ['f1', 'f2']) {
      const content = name === 'f1' ? 'one' : 'two';
      expect(readFileSync(join(itemDir(b, 'features'), name, 'mel.npy'), 'utf8')).toBe(`mel ${content}`);
      expect(readFileSync(join(itemDir(b, 'features'), name, 'sub', 'meta.json'), 'utf8')).toBe(`{"of": "${content}"}`);
      expect(existsSync(join(itemDir(b, 'features'), name, 'empty'))).toBe(true);
    }
    expect(existsSync(join(itemDir(b, 'features'), 'absent'))).toBe(false);
    expect(existsSync(join(itemDir(b, 'features'), 'ignored-neighbour'))).toBe(false);
    expect(await b.fetchItems('speech', ['k1.wav', 'k1.psdur.json'])).toBe(2);
    expect(readFileSync(join(itemDir(b, 'speech'), 'k1.wav'), 'utf8')).toBe('RIFF k1');
    // Present here already: not fetched again; nothing left in the mirror's incoming/.
    expect(await b.fetchItems('features', ['f1', 'f2'])).toBe(0);
    expect(readdirSync(join(b.localDir, 'incoming'))).toEqual([]);
  });

  it('the first publisher of a name wins; a later copy stays on its own machine', async () => {
    const { a, b } = make();
    writeFolderItem(a, 'f1', 'from a');
    writeFolderItem(b, 'f1', 'from b');
    expect(await a.publishItems('features', ['f1'])).toBe(1);
    expect(await b.publishItems('features', ['f1'])).toBe(0);
    rmSync(itemDir(b, 'features'), { recursive: true });
    expect(await b.fetchItems('features', ['f1'])).toBe(1);
    expect(readFileSync(join(itemDir(b, 'features'), 'f1', 'mel.npy'), 'utf8')).toBe('mel from a');
  });

  it('a listing with a blob gone or cut short is a miss, never an error; the next publisher replaces it', async () => {
    const { a, b, list, put, remove } = make();
    writeFolderItem(a, 'f1', 'one');
    writeFolderItem(a, 'f2', 'two');
    expect(await a.publishItems('features', ['f1', 'f2'])).toBe(2);
    // f1: one of its blobs evicted; f2: a listing not yet whole (a file system without atomic rename).
    const blobs = (await list('blobs/')).filter((p) => !p.startsWith('blobs/tmp'));
    const melBlob = blobs.find((p) => p.endsWith(createHash('sha256').update('mel one').digest('hex')))!;
    expect(melBlob).toBeDefined();
    await remove(melBlob);
    await put('items/features/f2.json', '{"files": {"f2/mel.n');
    expect(await b.fetchItems('features', ['f1', 'f2'])).toBe(0);
    expect(existsSync(join(itemDir(b, 'features'), 'f1'))).toBe(false);
    expect(existsSync(join(itemDir(b, 'features'), 'f2'))).toBe(false);
    expect(readdirSync(join(b.localDir, 'incoming'))).toEqual([]); // the partial fetch of f1 left nothing
    // b computes them itself and publishes: its listings replace the broken ones.
    writeFolderItem(b, 'f1', 'one');
    writeFolderItem(b, 'f2', 'two');
    expect(await b.publishItems('features', ['f1', 'f2'])).toBe(2);
    rmSync(itemDir(a, 'features'), { recursive: true });
    expect(await a.fetchItems('features', ['f1', 'f2'])).toBe(2);
    expect(readFileSync(join(itemDir(a, 'features'), 'f1', 'mel.npy'), 'utf8')).toBe('mel one');
  });
});

describe('per-item caches in the local cache folder', () => {
  it('are the cache itself: nothing to fetch or publish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-items-local-'));
    const store = new LocalStore(dir);
    mkdirSync(join(dir, 'items', 'speech'), { recursive: true });
    writeFileSync(join(dir, 'items', 'speech', 'k.wav'), 'RIFF');
    expect(await store.publishItems('speech', ['k.wav'])).toBe(0);
    expect(await store.fetchItems('speech', ['k.wav', 'other.wav'])).toBe(0);
    expect(readdirSync(dir)).toEqual(['items']);
  });
});
