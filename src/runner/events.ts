// The one stream of lifecycle events the runner emits. Every reporter (Ink dashboard, plain
// lines, JSON lines) is fed from it and sees read-only event objects, never runner internals.
// The JSON reporter prints these objects as they are, so field names are a stable format
// (documented in the README).

export type StepState = 'pending' | 'waiting' | 'cached' | 'running' | 'succeeded' | 'failed' | 'interrupted';
export type RunState = 'planning' | 'running' | 'succeeded' | 'failed' | 'interrupted';

export type RunEvent =
  | { type: 'run'; state: RunState; pipeline: string; steps?: PlannedStep[]; message?: string; time: number }
  /** On `succeeded` of a step that ran: `workDir` it ran in (where its announced artifact paths
   * point) and `output`, the cache entry that publishing renamed it to. `worker`: on `running`,
   * the machine running it when that is not this one (the bullmq executor sends a second
   * `running` event once a worker has taken the step). */
  | { type: 'step'; step: string; state: StepState; reason?: string; error?: string; log?: string; workDir?: string; output?: string; worker?: string; time: number }
  | { type: 'progress'; step: string; done: number; total: number; unit?: string; time: number }
  | { type: 'metric'; step: string; name: string; value: number; at?: number; time: number }
  | { type: 'artifact'; step: string; path: string; kind: string; label?: string; time: number }
  | { type: 'log'; step: string; level: 'info' | 'warn'; message: string; time: number }
  | WatchEvent;

/**
 * What `vcpipe watch` does around its runs (watch.machine.ts): `rerun` (changes start a run),
 * `queued` / `restarting` (changes during a run), `invalid` (the pipeline does not load; its
 * `problems`), `idle` (waiting, `watched` paths), `stopping`, `stopped` (`code`, `message` when an
 * error ended it). `changed`: the paths that changed.
 */
export type WatchState = 'rerun' | 'queued' | 'restarting' | 'invalid' | 'idle' | 'stopping' | 'stopped';
export interface WatchEvent {
  type: 'watch';
  state: WatchState;
  changed?: string[];
  problems?: string[];
  watched?: number;
  code?: number;
  message?: string;
  time: number;
}

/** A step as planned: shown by reporters before anything runs, in DAG order. */
export interface PlannedStep {
  name: string;
  kind: string;
  needs: string[];
  /** 'cached' or 'runs'. */
  decision: 'cached' | 'runs';
  /** Why it runs (changed param, input, version, upstream...) or why it is cached. */
  reason: string;
  /** Seconds, from earlier runs of this step, when known. */
  estimate?: number;
}

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Called once when the run is over; reporters restore the terminal here. */
  close(): Promise<void> | void;
}
