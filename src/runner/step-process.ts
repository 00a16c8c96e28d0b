// Runs one step in a child Node process (execa, IPC). An interrupt asks it to stop cleanly
// (its ctx.signal aborts); a kill ends it at once.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { RunEvent } from './events.ts';
import type { FromWorker, StepJob } from './worker-protocol.ts';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'step-worker.ts');
const TSX = import.meta.resolve('tsx');

export type StepOutcome = 'succeeded' | 'interrupted';

export class StepFailed extends Error {
  /** `user`: the step rejected its input (UserError): a retry would fail the same way. */
  constructor(message: string, readonly log: string, readonly user = false) {
    super(message);
    this.name = 'StepFailed';
  }
}

export interface StepProcess {
  pid: number | undefined;
  done: Promise<StepOutcome>;
  interrupt(): void;
  kill(): void;
}

/**
 * `threads`: the step's cpu slots. They become its tensor backend's thread count (VCPIPE_THREADS,
 * unless the user set that), so two training steps side by side on 2 cores use one thread each:
 * with both on all cores, OpenMP's spinning threads made each 10× slower (measured, demo pipeline).
 */
export function startStepProcess(job: StepJob, onEvent: (e: RunEvent) => void, threads?: number, onSpawn?: (pid: number) => void): StepProcess {
  const log = join(job.outDir, 'step.log');
  const child = execa('node', ['--import', TSX, WORKER], {
    env: threads && !process.env.VCPIPE_THREADS ? { VCPIPE_THREADS: String(threads) } : {},
    ipc: true,
    // Reports are handled as they come: execa would otherwise also keep every IPC message of the
    // step's life in result.ipcOutput (a long training step's whole progress history).
    buffer: { ipc: false },
    serialization: 'json',
    reject: false,
    stdin: 'ignore',
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
  });
  let result: FromWorker | undefined;
  let killed = false;
  child.on('message', (m: FromWorker) => {
    if (m.type === 'reports') for (const report of m.reports) onEvent({ ...report, step: job.name } as RunEvent);
    else result = m;
  });
  // Before the job is sent: a process that has it may write into the work dir (leftover-steps.ts).
  if (child.pid) onSpawn?.(child.pid);
  child.send({ type: 'start', job });
  const done = child.then((r): StepOutcome => {
    if (result?.type === 'done') return result.outcome;
    if (result?.type === 'failed') throw new StepFailed(result.error, log, result.user === true);
    if (killed) return 'interrupted';
    throw new StepFailed(`step process ended without a result (${r.signal ?? `exit code ${r.exitCode}`})`, log);
  });
  return {
    pid: child.pid,
    done,
    interrupt: () => {
      if (child.connected) child.send({ type: 'abort' });
    },
    kill: () => {
      killed = true;
      child.kill('SIGKILL');
    },
  };
}
