// The benchmarks' peers (python3-torch, python3-scipy, snakemake): found as dpkg has them, named
// with their install command when missing, by `npm run bench` and in their own doctor section.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BENCHMARK_PEERS, hasPeer, missingPeer } from '../src/benchmark-peers.ts';

const REPO = join(import.meta.dirname, '..');
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');

describe('benchmark peers', { timeout: 120_000 }, () => {
  it('are found exactly when their Debian package is installed', async () => {
    for (const peer of BENCHMARK_PEERS) expect(await hasPeer(peer), peer.name).toBe(installed(peer.name));
    expect(await missingPeer('python3-torch')).toBe(
      installed('python3-torch') ? undefined : 'python3-torch is missing: no figures for the PyTorch columns of bench train and torch-backend — install it with: sudo apt-get install python3-torch',
    );
  });

  it('`npm run bench -- train` names a missing python3-torch with its install command before it measures', async () => {
    const bench = execa('node', ['--import', 'tsx', 'bench/run.ts', 'train'], { cwd: REPO, reject: false });
    let stderr = '';
    const firstLine = new Promise<string>((resolve) => {
      bench.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('\n')) resolve(stderr.split('\n')[0]!);
      });
      // With python3-torch installed there is nothing to say: the bench starts measuring.
      bench.stdout!.once('data', () => resolve(''));
    });
    const line = await firstLine;
    bench.kill('SIGKILL');
    await bench;
    expect(line).toBe(installed('python3-torch') ? '' : `bench train: ${await missingPeer('python3-torch')}`);
  });
});
