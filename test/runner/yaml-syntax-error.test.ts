// One syntax slip must give one located line, not the parser's cascade of consequences.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';

describe('a YAML syntax error', () => {
  it('is reported once, at its line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-syntax-'));
    const file = join(dir, 'p.yaml');
    // An unquoted ${...} inside a flow sequence: YAML reads `{` as the start of a mapping.
    writeFileSync(file, 'name: x\nsteps:\n  a: { kind: shell, with: { run: [echo, ${params.x}] } }\n  b: { kind: shell, with: { run: [echo, hi] } }\n');
    const r = await execa('node', ['bin/vcpipe.js', 'validate', file], { reject: false });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: not valid YAML: `));
  });
});
