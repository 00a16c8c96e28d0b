// Runs the real CLI on a shipped pipeline with --json and collects its events, for the
// end-to-end tests of the demo and clone pipelines.
import { execa, type ResultPromise } from 'execa';
import { resolve } from 'node:path';
import type { RunEvent } from '../../src/runner/events.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const HELDOUT3 = resolve(REPO, 'test/fixtures/e2e/heldout3.txt');

/** Overrides that shrink the demo's base voice to a CI-sized run (seconds, not an hour). */
export const SMALL_BASE = [
  'corpus.count=24',
  'text2mel.steps=12', 'text2mel.batch_size=8', 'text2mel.checkpoint_every=4', 'text2mel.validation=4', 'text2mel.log_every=4', 'text2mel.plot_every=8',
  'ssrn.steps=12', 'ssrn.batch_size=8', 'ssrn.checkpoint_every=4', 'ssrn.validation=4', 'ssrn.log_every=4', 'ssrn.plot_every=8',
];

export function startRun(pipeline: string, cache: string, sets: string[]): { proc: ResultPromise; events: RunEvent[] } {
  const events: RunEvent[] = [];
  const args = ['bin/vcpipe.js', 'run', pipeline, '--cache', cache, '--json', ...sets.flatMap((s) => ['--set', s])];
  const proc = execa('node', args, { cwd: REPO, reject: false, buffer: { stdout: false } });
  let pending = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as RunEvent);
  });
  return { proc, events };
}

export const stepStates = (events: RunEvent[]): Record<string, string> =>
  Object.fromEntries(events.filter((e) => e.type === 'step').map((e) => [e.step, e.state]));
