// `vcpipe worker` processes for a test: each with its own local cache folder (its "machine"),
// all on one Redis and one shared-directory store.
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { RunEvent } from '../../src/runner/events.ts';
import { REPO } from '../runner/cli-helpers.ts';

/** `proc` is a promise of the process's end: wrapped, so that awaiting a started worker does not await its end. */
export interface WorkerProcess {
  name: string;
  /** What it said on stderr so far (what it took, lost, drained). */
  log: () => string;
  proc: ResultPromise<{ cwd: string; reject: false; all: true }>;
}

/** Starts worker `name` in `dir` and resolves once it listens for jobs. */
export async function startWorker(dir: string, name: string, redis: string, store: string, extra: string[] = []): Promise<WorkerProcess> {
  const args = ['worker', '--redis', redis, '--store', store, '--cache', join(dir, `machine-${name}`), '--name', name, '--json', ...extra];
  const p = execa('node', [join(REPO, 'bin/vcpipe.js'), ...args], { cwd: dir, reject: false, all: true });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    p.stderr!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes(`worker ${name}:`)) resolve();
    });
    void p.then((r) => reject(new Error(`worker ${name} ended: ${r.all}`)));
  });
  return { name, log: () => said, proc: p };
}

/** Ctrl-C for each worker still running, and its exit. */
export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const { proc } of workers) if (proc.exitCode === null) proc.kill('SIGINT');
  await Promise.all(workers.map((w) => w.proc));
}

/** A coordinator process; `seen` fills with its --json events as they come. */
export function startRun(dir: string, store: string, url: string, extra: string[] = []): { proc: ResultPromise; seen: RunEvent[] } {
  const seen: RunEvent[] = [];
  const proc = execa('node', [join(REPO, 'bin/vcpipe.js'), 'run', 'p.yaml', '--executor', 'bullmq', '--redis', url, '--store', store, '--json', ...extra], { cwd: dir, reject: false, all: true });
  let buffered = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (buffered + d.toString()).split('\n');
    buffered = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) seen.push(JSON.parse(l) as RunEvent);
  });
  return { proc, seen };
}
