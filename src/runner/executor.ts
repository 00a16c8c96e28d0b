// The seam between the run machine and where a step runs. The runner plans, decides what is
// cached, drives the machine and feeds the reporters; an Executor only starts a planned step and
// hands back a handle. `local` (StepExecutor): a child process on this machine; `bullmq`
// (src/distributed): a job that a `vcpipe worker` on some machine takes from Redis.
import type { RunEvent } from './events.ts';
import type { Plan } from './plan.ts';
import type { StepOutcome } from './step-process.ts';

export interface StepHandle {
  /** Resolves when the step is published or stopped; rejects (StepFailed) when it failed. */
  outcome: Promise<StepOutcome>;
  /** Asks the step to stop cleanly (training checkpoints first). */
  interrupt(): void;
  /** Ends the step now. */
  kill(): void;
}

export interface Executor {
  /** Starts planned step `name`; its progress, metrics, logs and artifacts go to the run's emit. */
  start(name: string): StepHandle;
  /** The local dir the step runs in, where its announced files are; undefined when it runs elsewhere. */
  workDirOf(name: string): string | undefined;
  /** Releases what the executor holds (connections); called once when the run is over. */
  close(): Promise<void>;
}

/** Makes the executor of one run, once its plan is known. */
export type ExecutorFactory = (plan: Plan, emit: (e: RunEvent) => void) => Promise<Executor>;
