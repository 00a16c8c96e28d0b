// The coordinator's memory stays bounded over a long run (issue 18.4): 100,000 progress and metric
// reports (with pictures, checkpoints and alignment matrices among them) go through what the runner
// keeps of them and the real dashboard, loaded as `vcpipe run` loads it (React's production
// build: its development build recorded a performance entry per component render, a million an
// hour). Measured in a child with --expose-gc: the heap after a full GC at 20,000 events and at
// 100,000.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO } from '../runner/cli-helpers.ts';

interface Soak { sent: number; heapAtReport: number; heapAtEnd: number; entries: number; frames: number; snapshotBytes: number; nodeEnv: string | null; screen: string }

async function soak(env: Record<string, string> = {}): Promise<Soak> {
  const env0 = { ...process.env, ...env };
  // vitest sets NODE_ENV=test for its own process; the child must start as `vcpipe run` does.
  if (!('NODE_ENV' in env)) delete env0.NODE_ENV;
  const r = await execa('node', ['--expose-gc', '--import', 'tsx', 'test/ui/soak-child.ts', '100000', '20000'], { cwd: REPO, env: env0, extendEnv: false });
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
});
