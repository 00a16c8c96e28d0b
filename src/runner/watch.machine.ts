// `vcpipe watch` as a state machine: running ⇄ waiting (idle, or invalid after a pipeline that
// does not load) → stopped. A change while idle starts a run; changes while running queue exactly one
// follow-up run (with `restart`, the first also asks the run to stop cleanly); STOP (Ctrl-C, the
// dashboard's q) asks the current run to stop and ends the watch when it has. Loading + running
// the pipeline (`run`), stopping a run (`stopRun`) and telling the user (`notify`) are provided by
// watch.ts (or a test), so this module only decides what happens when.
import { assign, fromPromise, setup } from 'xstate';
import type { WatchEvent } from './events.ts';

/** How one run went: it ran (whatever its result), or the pipeline did not load. */
export type WatchRunOutcome = { kind: 'ran' } | { kind: 'invalid'; problems: string[] };

/** What the machine tells the user; watch.ts stamps the time and the watched-path count. */
export type WatchNote = Omit<WatchEvent, 'type' | 'time'>;

export type WatchMachineEvent = { type: 'CHANGED'; paths: string[] } | { type: 'STOP' };

export interface WatchContext {
  restart: boolean;
  /** Paths whose change started the current run. */
  changed: string[];
  /** Paths changed during the current run: a follow-up run is queued when non-empty. */
  queued: string[];
  /** This run was asked to stop for a restart. */
  restarting: boolean;
  stopping: boolean;
  code: number;
  message?: string;
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

export const watchMachine = setup({
  types: {
    context: {} as WatchContext,
    input: {} as { restart: boolean },
    events: {} as WatchMachineEvent,
    output: {} as { code: number },
  },
  actors: {
    run: fromPromise<WatchRunOutcome, { changed: string[] }>(async () => ({ kind: 'ran' })),
  },
  actions: {
    notify: (_, _note: WatchNote) => {},
    stopRun: () => {},
  },
  guards: {
    stopping: ({ context }) => context.stopping,
  },
}).createMachine({
  id: 'watch',
  context: ({ input }) => ({ restart: input.restart, changed: [], queued: [], restarting: false, stopping: false, code: 0 }),
  initial: 'running',
  states: {
    running: {
      entry: assign({ restarting: false }),
      invoke: {
        src: 'run',
        input: ({ context }) => ({ changed: context.changed }),
        onDone: [
          { guard: 'stopping', target: 'stopped' },
          {
            guard: ({ context }) => context.queued.length > 0,
            target: 'running',
            reenter: true,
            actions: [
              assign({ changed: ({ context }) => context.queued, queued: [] }),
              { type: 'notify', params: ({ context }) => ({ state: 'rerun', changed: context.changed }) },
            ],
          },
          {
            guard: ({ event }) => event.output.kind === 'invalid',
            target: 'waiting.invalid',
            actions: { type: 'notify', params: ({ event }) => ({ state: 'invalid', problems: event.output.kind === 'invalid' ? event.output.problems : [] }) },
          },
          { target: 'waiting' },
        ],
        // Not a run that failed (that is `ran`): the watch itself broke.
        onError: { target: 'stopped', actions: assign({ code: 1, message: ({ event }) => (event.error as Error)?.stack ?? String(event.error) }) },
      },
      on: {
        CHANGED: [
          { guard: 'stopping' },
          {
            guard: ({ context }) => context.restart && !context.restarting,
            actions: [
              assign({ queued: ({ context, event }) => union(context.queued, event.paths), restarting: true }),
              { type: 'notify', params: ({ event }) => ({ state: 'restarting', changed: event.paths }) },
              'stopRun',
            ],
          },
          {
            actions: [
              assign({ queued: ({ context, event }) => union(context.queued, event.paths) }),
              { type: 'notify', params: ({ event }) => ({ state: 'queued', changed: event.paths }) },
            ],
          },
        ],
        // The first STOP asks the run to stop cleanly; another one (a second Ctrl-C) kills it.
        STOP: [
          { guard: 'stopping', actions: 'stopRun' },
          { actions: [assign({ stopping: true }), { type: 'notify', params: { state: 'stopping' } }, 'stopRun'] },
        ],
      },
    },
    // Between runs: idle, or invalid (the pipeline did not load; no "watching" line).
    waiting: {
      initial: 'idle',
      states: {
        idle: { entry: { type: 'notify', params: { state: 'idle' } } },
        invalid: {},
      },
      on: {
        CHANGED: {
          target: 'running',
          actions: [assign({ changed: ({ event }) => event.paths }), { type: 'notify', params: ({ event }) => ({ state: 'rerun', changed: event.paths }) }],
        },
        STOP: { target: 'stopped', actions: [assign({ stopping: true }), { type: 'notify', params: { state: 'stopping' } }] },
      },
    },
    stopped: {
      type: 'final',
      entry: { type: 'notify', params: ({ context }) => ({ state: 'stopped', code: context.code, message: context.message }) },
    },
  },
  output: ({ context }) => ({ code: context.code }),
});
