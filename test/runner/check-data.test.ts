// `vcpipe check-data` through the real CLI on an ljspeech step over real WAV files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcpipe } from './cli-helpers.ts';
import { writeTone, writeTonePairs } from './tone-corpus.ts';

const PIPELINE = `name: voice
steps:
  corpus: { kind: ljspeech, with: { root: recordings } }
  upper:
    kind: shell
    needs: [corpus]
    with: { run: [node, -e, "1"], outputs: [] }
`;

describe('vcpipe check-data', { timeout: 120_000 }, () => {
  it('runs the corpus step when needed, prints the report, and exits 1 on findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-check-data-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c']);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);

    const first = await vcpipe(dir, ['check-data', 'p.yaml']);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stderr).toContain('corpus is not cached: running it first');
    expect(first.stdout).toMatch(/^3 clips, 0\.0 min of audio \(shortest 0\.5 s, median 0\.5 s, longest 0\.5 s\)/);
    expect(first.stdout).toContain('No problems found.');

    // A clipped recording: the corpus input changed, so the step reruns and the report says so.
    writeTone(join(dir, 'recordings', 'loud.wav'), 0.5, 1.2);
    writeFileSync(join(dir, 'recordings', 'loud.txt'), 'a short test sentence');
    const second = await vcpipe(dir, ['check-data', 'p.yaml', '--step', 'corpus']);
    expect(second.exitCode, second.all).toBe(1);
    expect(second.stdout).toMatch(/Clipping \(over 0\.1 % of samples at full scale\): 1 clips\n {2}loud: \d+\.\d\d % of samples/);

    const cached = await vcpipe(dir, ['check-data', 'p.yaml']);
    expect(cached.stderr).not.toContain('running it first');
    expect(cached.exitCode).toBe(1);
  });

  it("judges against the downstream preprocess step's settings and counts what it will drop", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-check-data-'));
    const rec = join(dir, 'recordings');
    writeTonePairs(rec, ['a', 'b']);
    [1, 1.5, 2, 3].forEach((seconds, i) => {
      writeTone(join(rec, `long${i}.wav`), seconds);
      writeFileSync(join(rec, `long${i}.txt`), 'a longer test sentence');
    });
    writeFileSync(join(rec, 'party.txt'), 'we won 🎉 today');
    writeTone(join(rec, 'party.wav'), 0.5);
    const pipeline = `name: tiny
steps:
  corpus: { kind: ljspeech, with: { root: recordings } }
  features:
    kind: preprocess
    needs: [corpus]
    with: { config: tiny, max_frames: 30 }
`;
    writeFileSync(join(dir, 'p.yaml'), pipeline);
    const check = await vcpipe(dir, ['check-data', 'p.yaml']);
    expect(check.exitCode, check.all).toBe(1);
    // 30 reduced frames of 4 × 200 samples at 16 kHz: 1.5 s, not the default config's 10.5 s.
    expect(check.stdout).toContain("Judged against preprocess step 'features': 16000 Hz, hop 200, r 4, max_frames 30 (1.5 s after trimming silence), max_chars 64");
    expect(check.stdout).toMatch(/Longer than max_frames 30 \(1\.5 s after trimming; dropped by step 'features'\): 3 clips\n {2}long1: 1\.5 s, 31 frames\n {2}long2: 2\.0 s, 41 frames\n {2}long3: 3\.0 s, 61 frames/);
    expect(check.stdout).not.toContain('10.5 s');
    expect(check.stdout).toContain('"🎉" (not in the vocabulary) × 1, e.g. in party');
    expect(check.stdout).toContain("Preprocess step 'features' will leave out 3 of 7 clips.");

    // What preprocess then really leaves out is what check-data counted.
    const run = await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/features: .*4 utterances, 3 skipped: \S+long1\.wav \(too long: 31 reduced frames/);
    // Each warning carries the step's name once, from the runner.
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d features: warning: skipped \S+long1\.wav: too long/m);
    expect(run.stdout).not.toContain('features: features:');
  });

  it('names the problem when there is no such corpus step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-check-data-'));
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const r = await vcpipe(dir, ['check-data', 'p.yaml', '--step', 'upper']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("p.yaml: has no corpus step named 'upper' (corpus kinds: ljspeech, speech-corpus)");
    const help = await vcpipe(dir, ['check-data', '--help']);
    expect(help.stdout).toContain('Usage: vcpipe check-data <pipeline.yaml> [--step NAME]');
  });
});
