import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runChecks, formatChecks } from '../src/doctor.ts';

describe('vcpipe doctor', () => {
  it('finds what this machine has and names the fix for what it lacks', async () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'doctor-')), 'cache');
    const path = process.env.PATH;
    try {
      // With PATH on an empty folder no program is found: each becomes a missing piece with its fix.
      process.env.PATH = mkdtempSync(join(tmpdir(), 'empty-path-'));
      const checks = await runChecks(cache);
      const flite = checks.find((c) => c.name === 'flite')!;
      expect(flite.ok).toBe(false);
      expect(flite.fix).toBe('sudo apt-get install flite');
      expect(checks.find((c) => c.name === 'backend cpu')!.ok).toBe(true);
      expect(checks.find((c) => c.name === 'backend tensorflow')!.detail).toBe('not installed');
      const text = formatChecks(checks);
      expect(text).toMatch(/✗ flite +not found\n +fix: sudo apt-get install flite/);
      // The benchmark peers come in a section of their own, after what the demo needs.
      expect(text).toMatch(/pocketsphinx .*\n(.*\n)?\nBenchmark peers \(npm run bench compares against them; the demo does not need them\):\n/);
      expect(text).toMatch(/· snakemake +missing: no figures for the snakemake row of bench plan\n +fix: sudo apt-get install snakemake/);
      expect(checks.filter((c) => c.benchmark).map((c) => c.name)).toEqual(['python3-torch', 'python3-scipy', 'snakemake']);
      expect(checks.filter((c) => c.benchmark).every((c) => !c.required)).toBe(true);
    } finally {
      process.env.PATH = path;
    }
    const checks = await runChecks(cache);
    expect(checks.find((c) => c.name === 'flite')!.ok).toBe(true);
    expect(checks.find((c) => c.name === 'a tensor backend')!.ok).toBe(true);
  });
});
