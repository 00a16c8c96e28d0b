// `vcpipe status` while a run is live (issue 18.5): a real run of a tiny training pipeline in a
// child process; status shows the running step's last progress, its rate and latest metrics, from
// a snapshot the runner refreshes while the step reports (at most every SNAPSHOT_REFRESH_MS).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_REFRESH_MS, type RunSnapshot } from '../../src/runner/run-snapshot.ts';
import { vcpipe, waitFor } from './cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from './tone-corpus.ts';

const PIPELINE = toneText2MelPipeline('live', { steps: 100000, checkpoint_every: 100000, log_every: 5, plot_every: 100000 });

describe('vcpipe status during a run', { timeout: 180_000 }, () => {
  it('shows the running step\'s progress, rate and metrics, refreshed every few seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-status-live-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const run = vcpipe(dir, ['run', 'p.yaml', '--json']);
    try {
      const snapshotPath = join(dir, 'cache/runs/live.json');
      const snapshot = () => JSON.parse(readFileSync(snapshotPath, 'utf8')) as RunSnapshot;
      const training = () => snapshot().steps.text2mel;
      await waitFor(() => existsSync(snapshotPath) && (training()?.progress?.done ?? 0) > 0 && training()?.metrics?.loss !== undefined, 120_000);

      // Between transitions the snapshot is rewritten for progress alone, never more often than the interval.
      const seen: { updatedAt: number; done: number }[] = [];
      const until = Date.now() + 2.5 * SNAPSHOT_REFRESH_MS;
      while (Date.now() < until) {
        const s = snapshot();
        if (seen.at(-1)?.updatedAt !== s.updatedAt) seen.push({ updatedAt: s.updatedAt, done: s.steps.text2mel!.progress!.done });
        await sleep(100);
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.updatedAt - seen[i - 1]!.updatedAt).toBeGreaterThanOrEqual(SNAPSHOT_REFRESH_MS - 50);
        expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
      }

      const status = await vcpipe(dir, ['status', 'p.yaml']);
      expect(status.exitCode, status.all).toBe(0);
      const lines = status.stdout.split('\n');
      expect(lines[0]).toMatch(/^live \(.*p\.yaml\): running \(pid \d+\), last update /);
      const i = lines.findIndex((l) => l.startsWith('  running     text2mel [train-text2mel]'));
      expect(i, status.stdout).toBeGreaterThan(0);
      expect(lines[i]).toMatch(/ \d+\/100000 steps · [\d.]+ steps\/s · ETA \S+ · [\d.]+m?\d*s ago$/);
      expect(lines[i + 1]).toMatch(/^ {14}loss \S+ .*lr \S+.*steps_per_s \S+/);
      expect(lines.some((l) => l.startsWith('  cached      corpus') || l.startsWith('  succeeded   corpus'))).toBe(true);
    } finally {
      run.kill('SIGINT');
      const done = await run;
      expect(done.exitCode, done.all).toBe(130);
    }
  });
});
