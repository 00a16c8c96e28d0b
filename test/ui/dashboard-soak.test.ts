// The coordinator's memory stays bounded over a long run (issue 18.4): 100,000 progress and metric
// reports (with pictures, checkpoints and alignment matrices among them) go through what the runner
// keeps of them and the real dashboard, loaded as `vcpipe run` loads it (React's production
// build: its development build recorded a performance entry per component render, a million an
// hour). Measured in a child with --expose-gc: the heap after a full GC at 20,000 events and at
// 100,000.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO } from '../runner/cli-helpers.ts';

const child = (script: string, args: string[], env: Record<string, string> = {}) => {
  const env0 = { ...process.env, ...env };
  // vitest sets NODE_ENV=test for its own process; the child must start as `vcpipe run` does.
  if (!('NODE_ENV' in env)) delete env0.NODE_ENV;
  return execa('node', ['--expose-gc', '--import', 'tsx', script, ...args], { cwd: REPO, env: env0, extendEnv: false });
};

interface Soak { sent: number; heapAtReport: number; heapAtEnd: number; entries: number; frames: number; snapshotBytes: number; nodeEnv: string | null; screen: string }

async function soak(): Promise<Soak> {
  const r = await child('test/ui/soak-child.ts', ['100000', '20000']);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Soak;
}

describe('a long run through the dashboard', () => {
  it('keeps the heap bounded and records no performance entries', { timeout: 60_000 }, async () => {
    const r = await soak();
    expect(r.sent).toBe(100_000);
    // The dashboard really drew the stream: its last frame shows the last step reached.
    expect(r.frames).toBeGreaterThan(20);
    expect(r.screen).toMatch(/text2mel {2}█+░+ {2}\d+% {2}\d{5}\/100000 steps · 10\.0 steps\/s/);
    expect(r.screen).toContain('alignment (text ↑, frames →)');
    expect(r.entries).toBe(0);
    expect((r.heapAtEnd - r.heapAtReport) / 2 ** 20).toBeLessThan(3);
    // The snapshot's share stays small (one progress, metrics and at most MAX_ARTIFACTS files per step).
    expect(r.snapshotBytes).toBeLessThan(200_000);
    // The loader put NODE_ENV back for the step processes.
    expect(r.nodeEnv).toBeNull();
  });

  // Ink keeps every distinct line it measured or wrapped (vadimdemedes/ink#986): 48 MB for these
  // 20,000 lines of 1 KB without the dashboard's loader, which bounds both caches.
  it('bounds Ink\'s text caches', { timeout: 60_000 }, async () => {
    const grown = Number((await child('test/ui/ink-caches-child.ts', [])).stdout.trim());
    expect(grown / 2 ** 20).toBeLessThan(4);
  });
});
