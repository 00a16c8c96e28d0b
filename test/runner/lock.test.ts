// One runner per cache: a live lock is refused naming its pid, a stale one is taken over.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fixture, vcpipe, waitFor } from './cli-helpers.ts';

describe('cache lock', { timeout: 120_000 }, () => {
  it('refuses a second runner on the same cache while the first is alive', async () => {
    const dir = fixture('runner-counter');
    const first = vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'train.steps=40']);
    await waitFor(() => existsSync(join(dir, 'cache/lock')));
    const second = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain']);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`in use by another vcpipe run (pid ${first.pid})`);
    expect((await first).exitCode).toBe(0);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dir = fixture('runner-counter');
    const dead = await execa('node', ['-e', 'process.stdout.write(String(process.pid))']);
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache/lock'), dead.stdout);
    const r = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain(`stale lock`);
    expect(r.stderr).toContain(`pid ${dead.stdout}`);
    expect(existsSync(join(dir, 'cache/lock'))).toBe(false);
    expect(readFileSync(join(dir, 'cache/runs/counter.json'), 'utf8')).toContain('"succeeded"');
  });
});
