// The README's first set-up command works as root without sudo (the usual container), through
// scripts/setup-debian.sh, which CI uses too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');

describe('set-up command', () => {
  it("README's first command installs nothing here (all present) and needs no sudo as root", async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'));
    const command = /```sh\n(.+)\n```/.exec(quickStart)![1]!;
    // The Debian part, before vcpipe's own install and demo run.
    const setup = command.split(' && npm ci')[0]!;
    expect(process.getuid?.()).toBe(0);
    const r = await execa('bash', ['-c', setup], { cwd: REPO, reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('setup-debian: all 7 Debian packages are installed');
    expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toContain('scripts/setup-debian.sh $DEBIAN_PACKAGES');
  });
});
