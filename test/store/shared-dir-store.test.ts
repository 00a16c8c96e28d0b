// The shared-directory store on real folders: two "machines" (separate local mirrors) share one
// root. First publish wins, a second publish of the same output is a no-op that discards its copy,
// a missing blob is a miss, saved checkpoints resume on the other machine, a new budget replaces.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SharedDirStore } from '../../src/store/shared-dir-store.ts';
import { waitFor } from '../runner/cli-helpers.ts';
import { openStore } from '../../src/store/open-store.ts';
import { LocalStore } from '../../src/store/local-store.ts';
import { expectFirstPublishWins, record, runStep } from './store-fixtures.ts';


function machines() {
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-store-'));
  const root = join(dir, 'shared');
  return { root, a: new SharedDirStore(root, join(dir, 'a')), b: new SharedDirStore(root, join(dir, 'b')) };
}


describe('shared-directory store', () => {
  it('publishes first-wins: the second publisher of one output discards its copy', async () => {
    const { root, a, b } = machines();
    await expectFirstPublishWins(a, b);
    // One entry in the shared root, its files as blobs.
    expect(readdirSync(join(root, 'entries'))).toEqual(['k1']);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('treats an entry whose blob is gone as a miss, and a new publish repairs it', async () => {
    const { root, a, b } = machines();
    await runStep(a, 'k2', 'x');
    await a.publish(record('k2'));
    rmSync(join(root, 'blobs'), { recursive: true });
    expect(await b.lookup('k2')).toBeUndefined();
    expect(await b.fetch('k2')).toBeUndefined();
    await runStep(b, 'k2', 'y');
    expect(await b.publish(record('k2'))).toBe('published');
    const c = new SharedDirStore(root, join(root, '..', 'c'));
    expect(readFileSync(join((await c.fetch('k2'))!, 'out.txt'), 'utf8')).toBe('y');
  });

  it('resumes saved work on another machine and replaces an entry of another budget', async () => {
    const { a, b } = machines();
    const work = await runStep(a, 'k3', 'checkpoint 1');
    writeFileSync(join(work, 'step.log'), 'partial');
    await a.saveWork('k3');
    // Machine a dies; b picks the step up from a's last save.
    const resumed = await b.prepareWork('k3', 'resume');
    expect(readFileSync(join(resumed, 'out.txt'), 'utf8')).toBe('checkpoint 1');
    expect(readFileSync(join(resumed, 'step.log'), 'utf8')).toBe('partial');
    expect(await b.publish(record('k3', { steps: 1 }))).toBe('published');
    // A raised budget continues the published entry, then replaces it.
    const more = await a.prepareWork('k3', 'resume');
    expect(readFileSync(join(more, 'out.txt'), 'utf8')).toBe('checkpoint 1');
    writeFileSync(join(more, 'out.txt'), 'checkpoint 2');
    expect(await a.publish(record('k3', { steps: 2 }))).toBe('published');
    expect((await b.lookup('k3'))?.budget).toEqual({ steps: 2 });
    expect(readFileSync(join((await b.fetch('k3'))!, 'out.txt'), 'utf8')).toBe('checkpoint 2');
    // 'fresh' ignores everything earlier.
    expect(readdirSync(await b.prepareWork('k3', 'fresh'))).toEqual([]);
  });

  it('a writer killed with SIGKILL mid-write leaves no temp file among the items and entries readers list', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'vcpipe-store-kill-')), 'shared');
    // A child publishing item listings and entry manifests as fast as it can (each write fsyncs, so
    // the kill lands while a document is being written).
    const writer = execa(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { SharedDirRoot } from ${JSON.stringify(join(process.cwd(), 'src/store/shared-dir-store.ts'))};
         const root = new SharedDirRoot(${JSON.stringify(root)});
         const text = 'x'.repeat(1 << 16);
         for (let i = 0; ; i++) { await root.create('items/ns/' + i + '.json', text); await root.write('entries/k' + i + '/manifest.json', text); }`,
      ],
      { reject: false },
    );
    const items = () => (existsSync(join(root, 'items', 'ns')) ? readdirSync(join(root, 'items', 'ns')) : []);
    await waitFor(() => items().length >= 30, 60_000);
    writer.kill('SIGKILL');
    await writer;
    expect(items().filter((n) => !/^\d+\.json$/.test(n))).toEqual([]);
    expect(readdirSync(join(root, 'entries')).filter((n) => !/^k\d+$/.test(n))).toEqual([]);
    for (const k of readdirSync(join(root, 'entries'))) expect(readdirSync(join(root, 'entries', k))).toEqual(['manifest.json']);
  });

  it('sweeps staged files older than a day out of tmp/, and leaves younger ones to their writers', () => {
    const { root, a } = machines();
    mkdirSync(join(root, 'tmp'), { recursive: true });
    for (const name of ['stale', 'fresh']) writeFileSync(join(root, 'tmp', name), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(join(root, 'tmp', 'stale'), twoDaysAgo, twoDaysAgo);
    expect(a.sweepStaging()).toEqual({ removed: 1, where: join(root, 'tmp') });
    expect(readdirSync(join(root, 'tmp'))).toEqual(['fresh']);
    expect(new SharedDirStore(join(root, '..', 'nothing-here'), join(root, '..', 'm')).sweepStaging().removed).toBe(0);
  });

  it('opens stores by URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-store-url-'));
    expect(await openStore(undefined, dir)).toBeInstanceOf(LocalStore);
    expect((await openStore(`file://${dir}/shared`, join(dir, 'cache'))).url).toBe(`file://${dir}/shared`);
    expect(await openStore(join(dir, 'shared'), join(dir, 'cache'))).toBeInstanceOf(SharedDirStore);
    expect((await openStore('s3://voices/lj/', dir)).url).toBe('s3://voices/lj');
    await expect(openStore('s3:///lj', dir)).rejects.toThrow(/no bucket/);
    await expect(openStore('gs://voices/lj', dir)).rejects.toThrow(/gs:\/\/voices\/lj: vcpipe reaches shared directories .* and S3 buckets/);
  });
});
