// One step's life inside a run: pending → cached | running → succeeded | failed | interrupted.
// The run machine spawns one of these per step and sends START; the step reports every state
// it enters back to its parent. What "execute", "interrupt" and "kill" do is provided by the
// runner (child processes) or by a test.
import { fromPromise, sendParent, setup, assign } from 'xstate';
import type { StepState } from './events.ts';
import type { StepOutcome } from './step-process.ts';

export interface StepMachineInput {
  name: string;
  cached: boolean;
}

export type StepStateEvent = { type: 'STEP_STATE'; name: string; state: StepState; error?: string; log?: string };

interface StepMachineContext {
  name: string;
  cached: boolean;
  error?: string;
  log?: string;
}

export const stepMachine = setup({
  types: {
    context: {} as StepMachineContext,
    input: {} as StepMachineInput,
    events: {} as { type: 'START' } | { type: 'INTERRUPT' } | { type: 'KILL' },
  },
  actors: {
    execute: fromPromise<StepOutcome, { name: string }>(async () => {
      throw new Error('execute not provided');
    }),
  },
  actions: {
    report: sendParent(({ context }, params: { state: StepState }): StepStateEvent => ({
      type: 'STEP_STATE',
      name: context.name,
      state: params.state,
      error: context.error,
      log: context.log,
    })),
    interrupt: (_, _params: { name: string }) => {},
    kill: (_, _params: { name: string }) => {},
  },
}).createMachine({
  id: 'step',
  context: ({ input }) => ({ name: input.name, cached: input.cached }),
  initial: 'pending',
  states: {
    pending: {
      always: { guard: ({ context }) => context.cached, target: 'cached' },
      on: { START: 'running', INTERRUPT: 'interrupted' },
    },
    running: {
      entry: { type: 'report', params: { state: 'running' } },
      invoke: {
        src: 'execute',
        input: ({ context }) => ({ name: context.name }),
        onDone: [
          { guard: ({ event }) => event.output === 'interrupted', target: 'interrupted' },
          { target: 'succeeded' },
        ],
        onError: {
          target: 'failed',
          actions: assign(({ event }) => {
            const err = event.error as Error & { log?: string };
            return { error: err.message, log: err.log };
          }),
        },
      },
      on: {
        INTERRUPT: { actions: { type: 'interrupt', params: ({ context }) => ({ name: context.name }) } },
        KILL: { actions: { type: 'kill', params: ({ context }) => ({ name: context.name }) } },
      },
    },
    cached: { type: 'final', entry: { type: 'report', params: { state: 'cached' } } },
    succeeded: { type: 'final', entry: { type: 'report', params: { state: 'succeeded' } } },
    failed: { type: 'final', entry: { type: 'report', params: { state: 'failed' } } },
    interrupted: { type: 'final', entry: { type: 'report', params: { state: 'interrupted' } } },
  },
});
