// A failed step's work dir is kept, and its rerun says it retries after a failure (the runner
// leaves a .failed marker there), not that it resumes an interruption.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO, vcpipe } from './cli-helpers.ts';

// Writes a partial file, then fails until the project holds a file named `ok`.
const PIPELINE = `name: flaky
steps:
  make:
    kind: shell
    with:
      run: [node, -e, "const fs = require('fs'); fs.writeFileSync('partial.txt', 'x'); if (!fs.existsSync(process.argv[1] + '/ok')) process.exit(3); fs.writeFileSync('out.txt', 'done')", "\${projectDir}"]
      outputs: [out.txt]
`;

describe('rerun after a failure', { timeout: 120_000 }, () => {
  it('is called a retry of a failed run, and the marker is gone once it succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-flaky-'));
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const failed = await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    expect(failed.exitCode, failed.all).toBe(1);

    const plan = await vcpipe(dir, ['plan', 'p.yaml']);
    expect(plan.stdout).toContain('failed last time: retries in its work dir');
    expect(plan.stdout).not.toContain('interrupted');

    writeFileSync(join(dir, 'ok'), '');
    const again = await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toMatch(/make: starts in \S+, which holds earlier work \(failed run\)/);
    const [entry] = readdirSync(join(dir, 'cache/entries'));
    expect(existsSync(join(dir, 'cache/entries', entry!, 'out.txt'))).toBe(true);
    expect(existsSync(join(dir, 'cache/entries', entry!, '.failed'))).toBe(false);
  });
});

describe('output into a closed pipe', { timeout: 60_000 }, () => {
  it('`vcpipe plan … | true` exits 0 with nothing on stderr (no EPIPE stack)', async () => {
    // `true` exits before vcpipe has started, so every write meets a closed pipe.
    const r = await execa('bash', ['-o', 'pipefail', '-c', `node ${join(REPO, 'bin/vcpipe.js')} plan ${join(REPO, 'pipelines/lj.yaml')} | true`], { reject: false, cwd: mkdtempSync(join(tmpdir(), 'vcpipe-pipe-')) });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
