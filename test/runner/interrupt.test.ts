// Interrupts with real signals: SIGINT stops steps cleanly (exit 130); SIGKILL of the runner
// leaves published outputs intact and the interrupted step resumes from its work dir.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, halfPublished, vcpipe, waitFor } from './cli-helpers.ts';

const trainWorkDir = (dir: string) => {
  const work = join(dir, 'cache/work');
  if (!existsSync(work)) return undefined;
  const withCkpt = readdirSync(work).find((k) => existsSync(join(work, k, 'ckpt.txt')));
  return withCkpt && join(work, withCkpt);
};

describe('interrupts', { timeout: 120_000 }, () => {
  it('SIGINT once: the step gets its abort, the run exits 130, and the next run resumes', async () => {
    const dir = fixture('runner-counter');
    const run = vcpipe(dir, ['run', 'pipeline.yaml', '--json', '--set', 'train.steps=200']);
    await waitFor(() => trainWorkDir(dir) !== undefined);
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    const work = trainWorkDir(dir)!;
    expect(existsSync(join(work, 'aborted.txt'))).toBe(true);
    expect(r.stdout).toContain('"state":"interrupted"');
    const status = await vcpipe(dir, ['status']);
    expect(status.stdout).toMatch(/counter .*: interrupted/);
    const again = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'train.steps=20']);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('resumes its interrupted work dir');
  });

  it('SIGKILL of the runner: published outputs intact, nothing half-written, the step resumes', async () => {
    const dir = fixture('runner-counter');
    const run = vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'train.steps=30']);
    await waitFor(() => {
      const w = trainWorkDir(dir);
      return !!w && Number(readFileSync(join(w, 'ckpt.txt'), 'utf8')) >= 3;
    });
    run.kill('SIGKILL');
    await run;
    const status = await vcpipe(dir, ['status']);
    expect(status.stdout).toContain('crashed');
    expect(status.stdout).toMatch(/train .*was in flight/);
    expect(halfPublished(join(dir, 'cache'))).toEqual([]);
    const again = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'train.steps=30']);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toMatch(/prepare: cached/);
    expect(again.stderr).toContain('stale lock');
    expect(halfPublished(join(dir, 'cache'))).toEqual([]);
    const entries = join(dir, 'cache/entries');
    const trained = readdirSync(entries).find((k) => existsSync(join(entries, k, 'final.txt')))!;
    const starts = readFileSync(join(entries, trained, 'starts.txt'), 'utf8').trim().split('\n').map(Number);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(entries, trained, 'final.txt'), 'utf8')).toBe('30');
  });
});
