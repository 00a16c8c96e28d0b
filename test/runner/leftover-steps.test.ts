// After `vcpipe run` is killed with SIGKILL its step processes take a moment to stop (they save
// their work when the coordinator vanishes). A run started at once must wait for them: before,
// it started the same step in the same work dir while the old one still wrote there
// (test/e2e/sigkill.test.ts caught it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, vcpipe, waitFor } from './cli-helpers.ts';

/** What the step's processes noted so far (start/stopped), from its work dir or published entry. */
function notes(dir: string): string[] {
  for (const area of ['work', 'entries']) {
    const root = join(dir, 'cache', area);
    const key = existsSync(root) ? readdirSync(root).find((k) => existsSync(join(root, k, 'events.txt'))) : undefined;
    if (key) return readFileSync(join(root, key, 'events.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
  }
  return [];
}

describe('a run after a killed run', { timeout: 120_000 }, () => {
  it('waits for the step processes the killed run left behind before starting its steps', async () => {
    const dir = fixture('runner-linger');
    const first = vcpipe(dir, ['run', 'pipeline.yaml', '--plain']);
    await waitFor(() => notes(dir).length === 1);
    first.kill('SIGKILL');
    await first;
    const second = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain']);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.stderr).toMatch(/waiting for step process\(es\) \d+ of the run that stopped to save their work and exit/);
    // The old process stopped (4 s after its coordinator vanished) before the new one started.
    expect(notes(dir)).toEqual(['start', 'stopped', 'start']);
  });
});
