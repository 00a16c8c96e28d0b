// A full disk, for real: the cache lies on a small tmpfs this test mounts (it runs as root, here
// and in CI). The run fails with one line naming the path and the free space, publishes nothing,
// and after the file system is made bigger the rerun finishes with every clip valid.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import { readWavHeader } from '../../src/data/wav-header.ts';
import { halfPublished, vcpipe } from './cli-helpers.ts';
import { tf } from '../../src/models/backend.ts';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from '../../src/models/checkpoint.ts';
import { VarStore } from '../../src/models/layers.ts';
import { DiskFull } from '../../src/errors.ts';
import { useTestBackend } from '../models/helpers.ts';

const mounted: string[] = [];
const mountTmpfs = (dir: string, size: string) => {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounted.push(dir);
};
const resize = (dir: string, size: string) => execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
const usedKiB = (dir: string) => {
  const fs = statfsSync(dir);
  return ((fs.blocks - fs.bfree) * fs.bsize) / 1024;
};

afterAll(() => {
  for (const dir of mounted) execFileSync('umount', [dir]);
});

const PIPELINE = `name: full
steps:
  corpus:
    kind: speech-corpus
    with: { engine: flite, voice: rms, count: 40 }
  features:
    kind: preprocess
    needs: [corpus]
    with: { config: tiny }
`;

function project(): { dir: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-diskfull-'));
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
  return { dir, cache: join(dir, 'cache') };
}

/** The one line that says the disk is full, and no stack trace anywhere. */
function expectOneDiskFullLine(output: string, path: RegExp): void {
  const lines = output.split('\n').filter((l) => l.includes('disk full'));
  expect(lines, output).toHaveLength(1);
  expect(lines[0]).toMatch(path);
  expect(lines[0]).toMatch(/\(\d+(\.\d)? (bytes|KiB|MiB) free there\); nothing half-written was published — free some space and rerun/);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain('unusable WAV');
}

const published = (cache: string) => (existsSync(join(cache, 'entries')) ? readdirSync(join(cache, 'entries')).filter((k) => existsSync(join(cache, 'entries', k, 'manifest.json'))) : []);

describe('a full disk', { timeout: 240_000 }, () => {
  it('stops the corpus step with one line; after more room the rerun completes with valid clips', async () => {
    const { dir, cache } = project();
    mountTmpfs(cache, '3m');
    const r = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(r.exitCode).toBe(1);
    // flite leaves a truncated WAV on a full disk: that is reported as the disk, not as flite.
    expectOneDiskFullLine(r.all, /corpus: failed: disk full: could not write \S+\/items\/speech\/\w+\.wav /);
    expect(published(cache)).toEqual([]);
    expect(halfPublished(cache)).toEqual([]);

    resize(cache, '64m');
    const again = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(again.exitCode, again.all).toBe(0);
    const [corpusKey] = published(cache).filter((k) => existsSync(join(cache, 'entries', k, 'corpus.json')));
    const corpus = readCorpus(join(cache, 'entries', corpusKey!));
    expect(corpus.utterances).toHaveLength(40);
    for (const u of corpus.utterances) expect(readWavHeader(u.audio).duration).toBeGreaterThan(1);
  });

  it('refuses a checkpoint that does not fit, leaving no partial one; it fits once there is room', async () => {
    await useTestBackend();
    const root = join(mkdtempSync(join(tmpdir(), 'vcpipe-ckpt-full-')), 'checkpoints');
    mountTmpfs(root, '64k');
    const vars = new VarStore();
    vars.add('Net/kernel', tf.randomNormal([64, 512], 0, 1, 'float32', 1)); // 128 KiB of weights
    const save = () => saveCheckpoint(root, 500, vars.vars, null, { rng: { seed: 1, step: 500 }, valLoss: null });
    expect(save).toThrow(DiskFull);
    expect(save).toThrow(/^disk full: could not write \S+\/checkpoints\/step-0000500 \(\d+(\.\d)? (bytes|KiB) free there\)/);
    expect(readdirSync(root)).toEqual([]);
    resize(root, '1m');
    save();
    const again = new VarStore();
    again.add('Net/kernel', tf.zeros([64, 512]));
    loadCheckpoint(listCheckpoints(root)[0]!.dir, again.vars, null);
    expect(Array.from(again.get('Net/kernel').dataSync())).toEqual(Array.from(vars.get('Net/kernel').dataSync()));
  });

  it('puts a command that died on the full disk down to the disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-diskfull-'));
    const cache = join(dir, 'cache');
    writeFileSync(
      join(dir, 'p.yaml'),
      `name: big\nsteps:\n  fill:\n    kind: shell\n    with: { run: [node, -e, "require('fs').writeFileSync('big.bin', Buffer.alloc(4e6))"], outputs: [big.bin] }\n`,
    );
    mountTmpfs(cache, '3m');
    const r = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(r.exitCode).toBe(1);
    // The command's own stderr comes through as warnings; vcpipe's verdict is one line.
    expect(r.all.split('\n').filter((l) => l.includes('disk full'))).toEqual([expect.stringMatching(/fill: failed: disk full: could not write \S+\/cache\/work\/\w+ \(/)]);
    expect(published(cache)).toEqual([]);
    resize(cache, '16m');
    const again = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(again.exitCode, again.all).toBe(0);
    expect(published(cache)).toHaveLength(1);
  });

  it('publishes nothing when the manifest does not fit; the rerun publishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-diskfull-'));
    const cache = join(dir, 'cache');
    // The command fills the disk (its write fails part-way), yet succeeds: then the manifest has no room.
    const command = "const fs = require('fs'); try { fs.writeFileSync('big.bin', Buffer.alloc(4e6)) } catch {} fs.writeFileSync('ok', '')";
    writeFileSync(join(dir, 'p.yaml'), `name: big\nsteps:\n  fill:\n    kind: shell\n    with: { run: [node, -e, ${JSON.stringify(command)}], outputs: [ok] }\n`);
    mountTmpfs(cache, '3m');
    const r = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(r.exitCode).toBe(1);
    expectOneDiskFullLine(r.all, /fill: failed: disk full: could not write \S+\/cache\/entries\/\w+\/manifest\.json /);
    expect(published(cache)).toEqual([]);
    resize(cache, '16m');
    const again = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(again.exitCode, again.all).toBe(0);
    expect(published(cache)).toHaveLength(1);
    expect(halfPublished(cache)).toEqual([]);
  });

  it('stops preprocess with one line instead of skipping clips; the rerun completes', async () => {
    const { dir, cache } = project();
    mountTmpfs(cache, '64m');
    expect((await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache, '--only', 'corpus'])).exitCode).toBe(0);
    // Room for the corpus and a few clips' features, not for all of them.
    resize(cache, `${Math.ceil(usedKiB(cache)) + 400}k`);
    const r = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(r.exitCode).toBe(1);
    expectOneDiskFullLine(r.all, /features: failed: disk full: could not write \S+\/items\/features\/\w+ /);
    expect(r.all).not.toMatch(/features: .*skipped/);
    expect(published(cache)).toHaveLength(1);
    expect(halfPublished(cache)).toEqual([]);

    resize(cache, '64m');
    const again = await vcpipe(dir, ['run', 'p.yaml', '--plain', '--cache', cache]);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toMatch(/features: succeeded/);
    expect(published(cache)).toHaveLength(2);
  });
});
