// `vcpipe watch` as a real child process over a real folder of recordings: new files are
// preprocessed alone, a corrupt one is skipped and the watch goes on, an invalid pipeline edit is
// reported with its location, changes during a run queue one follow-up run (or restart it), and
// Ctrl-C ends the watch.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runner/events.ts';
import { REPO, waitFor } from './cli-helpers.ts';
import { writeTonePairs } from './tone-corpus.ts';

const PIPELINE = `name: watched
steps:
  corpus: { kind: ljspeech, with: { root: recordings } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, workers: 1 } }
  count:
    kind: shell
    needs: [features]
    with:
      run: [node, -e, "const n=require(process.argv[1]+'/features.json').utterances.length; require('fs').writeFileSync('n.txt', String(n)); console.log('utterances: '+n)", "\${inputs.features}"]
      outputs: [n.txt]
`;

/** `vcpipe watch --json` in `dir`: its events and stderr as they arrive, and waits on them. */
function startWatch(dir: string, ...extra: string[]) {
  const w = {
    child: execa('node', [join(REPO, 'bin/vcpipe.js'), 'watch', 'p.yaml', '--json', ...extra], { cwd: dir, reject: false }),
    events: [] as RunEvent[],
    stderr: '',
    failNote: () => `stderr:\n${w.stderr}\nevents:\n${w.events.map((e) => JSON.stringify(e)).join('\n')}`,
    /** The watch's own events so far (their states). */
    watchStates: () => w.events.flatMap((e) => (e.type === 'watch' ? [e.state] : [])),
    /** Final states of the runs so far. */
    runs: () => w.events.flatMap((e) => (e.type === 'run' && ['succeeded', 'failed', 'interrupted'].includes(e.state) ? [e.state] : [])),
    /**
     * Resolves once the watch has said "watching" `times` times (it does after each burst of runs),
     * on stderr and as its `idle` event on stdout: the two pipes arrive in either order.
     */
    idle: (times: number) =>
      waitFor(() => w.stderr.split('for changes (Ctrl-C to stop)').length > times && w.watchStates().filter((s) => s === 'idle').length >= times, 40_000).catch(() =>
        expect.fail(w.failNote()),
      ),
  };
  // A chunk may end inside a line: parse whole lines only.
  let partial = '';
  w.child.stdout.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) w.events.push(JSON.parse(line) as RunEvent);
  });
  w.child.stderr.on('data', (b: Buffer) => void (w.stderr += b.toString()));
  return w;
}

const SLOW = `name: slow
steps:
  wait:
    kind: shell
    with: { run: [node, -e, "setTimeout(() => {}, 8000)"], inputs: [data], outputs: [] }
`;

describe('vcpipe watch', { timeout: 90_000 }, () => {
  it('reruns what new recordings touch, skips a bad one, survives an invalid edit, stops on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-watch-'));
    const recordings = join(dir, 'recordings');
    writeTonePairs(recordings, ['a1', 'a2', 'a3']);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const w = startWatch(dir);
    const { events, failNote } = w;
    // Events of the n-th run (1-based), from its planning event to its end.
    const runEvents = (n: number) => {
      const starts = events.flatMap((e, i) => (e.type === 'run' && e.state === 'planning' ? [i] : []));
      return events.slice(starts[n - 1], starts[n]);
    };
    const metric = (n: number, step: string, name: string) => runEvents(n).flatMap((e) => (e.type === 'metric' && e.step === step && e.name === name ? [e.value] : []))[0];
    const logs = (n: number) => runEvents(n).flatMap((e) => (e.type === 'log' ? [`${e.step}: ${e.message}`] : []));

    try {
      await w.idle(1);
      expect(w.runs()).toEqual(['succeeded']);
      expect(events.filter((e) => e.type === 'watch')).toEqual([{ type: 'watch', state: 'idle', watched: 2, time: expect.any(Number) }]);
      expect(metric(1, 'features', 'computed')).toBe(3);
      expect(logs(1)).toContain('count: utterances: 3');

      writeTonePairs(recordings, ['b1', 'b2', 'b3'], 'three new recordings', 400);
      await w.idle(2);
      expect(w.runs()).toHaveLength(2);
      const rerun = events.find((e) => e.type === 'watch' && e.state === 'rerun');
      expect(rerun?.type === 'watch' && [...rerun.changed!].sort()).toEqual(['b1', 'b2', 'b3'].flatMap((b) => [join(recordings, `${b}.txt`), join(recordings, `${b}.wav`)]));
      expect(events.indexOf(rerun!)).toBeLessThan(events.findIndex((e, i) => i > events.indexOf(rerun!) && e.type === 'run' && e.state === 'planning'));
      expect(metric(2, 'features', 'computed')).toBe(3);
      expect(metric(2, 'features', 'reused')).toBe(3);
      expect(logs(2)).toContain('count: utterances: 6');

      writeFileSync(join(recordings, 'bad.wav'), 'not a wav file at all');
      writeFileSync(join(recordings, 'bad.txt'), 'broken');
      await w.idle(3);
      expect(logs(3).some((l) => /^corpus: skipped bad\.wav: /.test(l))).toBe(true);
      expect(metric(3, 'features', 'computed')).toBe(0);
      expect(logs(3)).toContain('count: utterances: 6');

      writeFileSync(join(dir, 'p.yaml'), PIPELINE.replace('kind: preprocess', 'kind: preprocesss'));
      await waitFor(() => w.stderr.includes('waiting for the next edit')).catch(() => expect.fail(failNote()));
      expect(w.stderr).toMatch(/p\.yaml:4:21: unknown step kind 'preprocesss' \(did you mean 'preprocess'\?\)/);
      await waitFor(() => w.watchStates().includes('invalid')).catch(() => expect.fail(failNote()));
      const invalid = events.find((e) => e.type === 'watch' && e.state === 'invalid');
      expect(invalid?.type === 'watch' && invalid.problems).toEqual([expect.stringMatching(/p\.yaml:4:21: unknown step kind 'preprocesss'/)]);
      writeFileSync(join(dir, 'p.yaml'), PIPELINE.replace('workers: 1', 'workers: 1, max_chars: 60'));
      await w.idle(4);
      expect(w.runs()).toHaveLength(4);
      expect(runEvents(4).filter((e) => e.type === 'step' && e.state === 'cached').map((e) => e.type === 'step' && e.step)).toEqual(['corpus']);
      expect(logs(4)).toContain('count: utterances: 6');
    } finally {
      w.child.kill('SIGINT');
    }
    const r = await w.child;
    expect(r.exitCode, failNote()).toBe(0);
    expect(w.stderr).toContain('stopping the watch');
    expect(w.watchStates().slice(-2)).toEqual(['stopping', 'stopped']);
    expect(readFileSync(join(dir, 'p.yaml'), 'utf8')).toContain('max_chars: 60');
  });
});

describe('vcpipe watch during a run', { timeout: 90_000 }, () => {
  const slowProject = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-watch-slow-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'p.yaml'), SLOW);
    return dir;
  };
  const running = (w: ReturnType<typeof startWatch>, n: number) =>
    waitFor(() => w.events.filter((e) => e.type === 'step' && e.state === 'running').length >= n).catch(() => expect.fail(w.failNote()));

  it('queues exactly one follow-up run for any number of changes during a run', async () => {
    const dir = slowProject();
    const w = startWatch(dir);
    try {
      await running(w, 1);
      writeFileSync(join(dir, 'data/x1'), '1');
      await new Promise((r) => setTimeout(r, 1600));
      writeFileSync(join(dir, 'data/x2'), '2');
      await w.idle(1);
      expect(w.runs()).toEqual(['succeeded', 'succeeded']);
      expect(w.stderr.split('one follow-up run is queued').length - 1).toBe(2);
      expect(w.watchStates()).toEqual(['queued', 'queued', 'rerun', 'idle']);
    } finally {
      w.child.kill('SIGINT');
    }
    expect((await w.child).exitCode).toBe(0);
  });

  it('--restart: a change stops the current run cleanly and starts again', async () => {
    const dir = slowProject();
    const w = startWatch(dir, '--restart');
    try {
      await running(w, 1);
      writeFileSync(join(dir, 'data/x1'), '1');
      await w.idle(1);
      expect(w.runs()).toEqual(['interrupted', 'succeeded']);
      expect(w.stderr).toContain('restarting: the current run stops cleanly first');
      expect(w.watchStates()).toEqual(['restarting', 'rerun', 'idle']);
    } finally {
      w.child.kill('SIGINT');
    }
    expect((await w.child).exitCode).toBe(0);
  });
});
