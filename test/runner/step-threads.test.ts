// A step's cpu slots become its tensor backend's thread count (VCPIPE_THREADS in its process),
// so steps side by side do not oversubscribe the cores; a VCPIPE_THREADS the user set wins.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, vcpipe } from './cli-helpers.ts';

function threadsByStep(dir: string, cache: string): Record<string, string> {
  const entries = join(dir, cache, 'entries');
  const out: Record<string, string> = {};
  for (const key of readdirSync(entries)) {
    const file = join(entries, key, 'threads.txt');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(join(entries, key, 'manifest.json'), 'utf8')) as { step: string };
    out[manifest.step] = readFileSync(file, 'utf8');
  }
  return out;
}

describe('threads per step', () => {
  it('gives each step process its cpu slots as VCPIPE_THREADS, unless the user set it', async () => {
    const dir = fixture('runner-threads');
    const saved = process.env.VCPIPE_THREADS;
    try {
      delete process.env.VCPIPE_THREADS;
      const r = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--cache', 'a']);
      expect(r.exitCode, r.all).toBe(0);
      expect(threadsByStep(dir, 'a')).toEqual({ wide: '3', narrow: '1' });

      process.env.VCPIPE_THREADS = '2';
      const again = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--cache', 'b']);
      expect(again.exitCode, again.all).toBe(0);
      expect(threadsByStep(dir, 'b')).toEqual({ wide: '2', narrow: '2' });
    } finally {
      if (saved === undefined) delete process.env.VCPIPE_THREADS;
      else process.env.VCPIPE_THREADS = saved;
    }
  });
});
