// Messages between the runner and a step's child process (Node IPC, JSON).
import type { RunEvent } from './events.ts';
import type { StepContext } from '../steps/contract.ts';

/** The serialisable part of a StepContext, plus the kind whose module the worker runs. */
export type StepJob = Pick<StepContext, 'name' | 'params' | 'inputs' | 'outDir' | 'projectDir' | 'cacheDir' | 'backend' | 'warmStart'> & {
  kind: string;
};

export type ToWorker = { type: 'start'; job: StepJob } | { type: 'abort' };

type StepReport = Extract<RunEvent, { type: 'progress' | 'metric' | 'artifact' | 'log' }>;
// Distributes Omit over the union, so each member keeps its own fields.
type WithoutStepAndTime<E> = E extends unknown ? Omit<E, 'step' | 'time'> : never;

/** Step events without `step`/`time` (the runner adds them), then one final message. */
export type FromWorker =
  | { type: 'event'; event: WithoutStepAndTime<StepReport> }
  | { type: 'done'; outcome: 'succeeded' | 'interrupted' }
  | { type: 'failed'; error: string; /** The step threw a UserError (bad input: a retry fails the same way). */ user?: boolean };
