// Messages between the runner and a step's child process (Node IPC, JSON).
import type { RunEvent } from './events.ts';
import type { StepContext } from '../steps/contract.ts';

/** The serialisable part of a StepContext, plus the kind whose module the worker runs. */
export type StepJob = Pick<StepContext, 'name' | 'params' | 'inputs' | 'outDir' | 'projectDir' | 'cacheDir' | 'backend' | 'warmStart' | 'shard'> & {
  kind: string;
};

export type ToWorker = { type: 'start'; job: StepJob } | { type: 'abort' };

// Distributes Omit over the union, so each member keeps its own fields.
type WithoutStep<E> = E extends unknown ? Omit<E, 'step'> : never;

/** A step's report without `step` (the runner adds it); `time` is when the step made it. */
export type StepReport = WithoutStep<Extract<RunEvent, { type: 'progress' | 'metric' | 'artifact' | 'log' }>>;

/** Batches of step reports (src/runner/report-batch.ts), then one final message. */
export type FromWorker =
  | { type: 'reports'; reports: StepReport[] }
  | { type: 'done'; outcome: 'succeeded' | 'interrupted' }
  | { type: 'failed'; error: string; /** The step threw a UserError (bad input: a retry fails the same way). */ user?: boolean };
