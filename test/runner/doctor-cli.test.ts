// `vcpipe doctor` dispatched by the CLI with its own arguments, on this machine, where (as in CI,
// whose .ci/run installs them) libtorch, flite, espeak-ng and pocketsphinx are installed.
import { describe, expect, it } from 'vitest';
import { REPO, vcpipe } from './cli-helpers.ts';

describe('vcpipe doctor (CLI)', { timeout: 120_000 }, () => {
  it('prints its help', async () => {
    const help = await vcpipe(REPO, ['doctor', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('vcpipe doctor [--cache DIR]');
  });

  it('finds what this machine has and says the demo can run', async () => {
    const r = await vcpipe(REPO, ['doctor']);
    expect(r.stdout).toMatch(/^✓ node +v\d+/m);
    expect(r.stdout).toMatch(/^✓ backend torch +loads \((cpu|cuda:\d+)\)$/m);
    expect(r.stdout).toMatch(/^✓ backend wasm +loads$/m);
    expect(r.stdout).toMatch(/^✓ backend cpu +loads$/m);
    expect(r.stdout).toMatch(/^✓ a tensor backend +fastest: torch$/m);
    expect(r.stdout).toMatch(/^✓ flite +version \d+\.\d+/m);
    expect(r.stdout).toMatch(/^✓ espeak-ng +version \d+\.\d+/m);
    expect(r.stdout).toMatch(/^✓ pocketsphinx +US English model found$/m);
    // tfjs-node is not a dependency: doctor names it as optional (·) with the command that adds it.
    expect(r.stdout).toMatch(/^· backend tensorflow +not installed\n +fix: npm install @tensorflow\/tfjs-node/m);
    expect(r.stdout).not.toMatch(/^✗/m);
    expect(r.stdout).toContain('Ready: the demo pipeline can run here.');
    expect(r.exitCode).toBe(0);
  });
});
