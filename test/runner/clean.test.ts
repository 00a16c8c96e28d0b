// `vcpipe clean`: removes what the pipeline no longer uses, prints each dir and its size, and
// keeps the latest outputs of other pipelines sharing the cache.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcpipe } from './cli-helpers.ts';

const pipeline = (name: string, word: string) =>
  `name: ${name}\nsteps:\n  say:\n    kind: shell\n    with: { run: [node, -e, "require('fs').writeFileSync('out.txt', '${word}'.repeat(1000))"], outputs: [out.txt] }\n`;

describe('vcpipe clean', { timeout: 120_000 }, () => {
  it('removes the builds this pipeline no longer uses and keeps other pipelines’ latest ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-clean-'));
    const entries = () => readdirSync(join(dir, 'cache', 'entries')).sort();
    writeFileSync(join(dir, 'a.yaml'), pipeline('a', 'one'));
    writeFileSync(join(dir, 'b.yaml'), pipeline('b', 'other'));
    expect((await vcpipe(dir, ['run', 'a.yaml', '--plain'])).exitCode).toBe(0);
    const oldA = entries();
    writeFileSync(join(dir, 'a.yaml'), pipeline('a', 'two'));
    expect((await vcpipe(dir, ['run', 'a.yaml', '--plain'])).exitCode).toBe(0);
    expect((await vcpipe(dir, ['run', 'b.yaml', '--plain'])).exitCode).toBe(0);
    expect(entries()).toHaveLength(3);

    const r = await vcpipe(dir, ['clean', 'a.yaml']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`removed .*entries/${oldA[0]} \\(\\d+(\\.\\d)? KiB\\)`));
    expect(r.stdout).toMatch(/removed 1 unused cache dirs, \d/);
    expect(entries()).toHaveLength(2);
    expect(entries()).not.toContain(oldA[0]);

    // b's output survives a's clean, and b is still all cached.
    const again = await vcpipe(dir, ['plan', 'b.yaml']);
    expect(again.stdout).toMatch(/cached +say/);
  });
});
