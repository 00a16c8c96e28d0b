// Signals arriving while a kernel runs must not hurt it: libtorch 1.13's oneDNN convolutions
// corrupt the heap when interrupted on AVX-512 machines (see SignalsDeferred in binding/addon.cc).
// Profiling a training step with node --cpu-prof (a SIGPROF every 250 us) aborted with
// "corrupted size vs. prev_size" within 3 steps, every time, before the fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

describe('signals during kernels', () => {
  for (const threads of [1, 2]) {
    it(`tiny Text2Mel training steps complete under the V8 sampling profiler (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tbt-prof-'));
      const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', dir, '--import', 'tsx', path.join(here, 'fixtures/profiled-steps.ts'), '8'], {
        cwd: root,
        env: { ...process.env, VCPIPE_THREADS: String(threads) },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.stderr.split('\n').filter((l) => /corrupt|free\(\)|Aborted/.test(l))).toEqual([]);
      expect(r.signal).toBeNull();
      expect(r.stdout).toContain('STEPS 8');
    }, 150_000);
  }
});
