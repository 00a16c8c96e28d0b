import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheLayout } from '../../src/runner/cache-layout.ts';
import { publish } from '../../src/runner/publish.ts';
import { removeTempLeftovers, tempPathFor } from '../../src/util/atomic.ts';
import { makeTempDir } from '../helpers/make-context.ts';

// A step killed mid-write and then resumed to the end leaves the killed write's temp file in its
// work dir (the SIGKILL loop found `plots/.loss.svg.<pid>.<hex>.tmp` in a published entry).
describe('publishing removes what killed writes left', () => {
  it('publishes the work dir without temp files or dirs of atomic writes, at any depth', () => {
    const cache = new CacheLayout(makeTempDir('publish-leftovers-'));
    const key = 'k1';
    const work = cache.work(key);
    mkdirSync(join(work, 'plots'), { recursive: true });
    writeFileSync(join(work, 'plots', 'loss.svg'), '<svg/>');
    writeFileSync(tempPathFor(join(work, 'plots', 'loss.svg')), '<sv');
    mkdirSync(join(work, 'checkpoints', '.step-0000004.123.tmp'), { recursive: true });
    writeFileSync(join(work, 'model.json'), '{}');
    publish(cache, { key, outputId: key, step: 's', kind: 'shell', version: 1, params: {}, budget: {}, upstream: {}, inputs: {} });
    const entry = cache.entry(key);
    expect(readdirSync(join(entry, 'plots'))).toEqual(['loss.svg']);
    expect(readdirSync(join(entry, 'checkpoints'))).toEqual([]);
    expect(existsSync(join(entry, 'model.json'))).toBe(true);
    expect(existsSync(cache.manifest(key))).toBe(true);
  });

  it('leaves files that only look alike alone', () => {
    const dir = makeTempDir('temp-leftovers-');
    for (const name of ['a.tmp', '.hidden', 'x.tmp.json']) writeFileSync(join(dir, name), '');
    writeFileSync(join(dir, '.a.json.1.ab.tmp'), '');
    expect(removeTempLeftovers(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['.hidden', 'a.tmp', 'x.tmp.json']);
  });
});
