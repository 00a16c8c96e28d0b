// `vcpipe doctor` dispatched by the CLI with its own arguments.
import { describe, expect, it } from 'vitest';
import { REPO, vcpipe } from './cli-helpers.ts';

describe('vcpipe doctor (CLI)', { timeout: 120_000 }, () => {
  it('prints its help, and checks the machine', async () => {
    const help = await vcpipe(REPO, ['doctor', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('vcpipe doctor [--cache DIR]');
    const r = await vcpipe(REPO, ['doctor']);
    expect(r.stdout).toMatch(/^✓ node +v\d+/m);
    expect(r.stdout).toMatch(/Ready: the demo pipeline can run here\.|required piece\(s\) missing/);
    expect([0, 1]).toContain(r.exitCode);
  });
});
