// A run's life: loading → planning → running → succeeded | failed | interrupted.
// While running, each step is a spawned step.machine child; ready steps are started as long as
// `jobs` and the resource limits allow. INTERRUPT asks running steps to stop cleanly and starts
// nothing new; KILL ends them at once. Loading, planning and step execution are provided by
// the runner (or a test), so this module only decides what happens when.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { Resources } from '../steps/contract.ts';
import type { StepState } from './events.ts';
import { stepMachine, type StepStateEvent } from './step.machine.ts';

export interface MachineStep {
  name: string;
  needs: string[];
  decision: 'cached' | 'runs';
  resources: Resources;
}

export interface StepStatus extends MachineStep {
  state: StepState;
  error?: string;
  log?: string;
}

export interface RunContext {
  jobs: number;
  limits: Resources;
  steps: Record<string, StepStatus>;
  order: string[];
  stopping: 'no' | 'failure' | 'interrupt';
  message?: string;
}

export interface RunMachineInput {
  jobs: number;
  limits: Resources;
}

export type RunMachineEvent = StepStateEvent | { type: 'INTERRUPT' } | { type: 'KILL' };

const DONE: StepState[] = ['cached', 'succeeded'];
const isActive = (s: StepStatus) => s.state === 'running';

/** Steps to start now, in plan order, within jobs and resource limits. */
export function readySteps(ctx: RunContext): string[] {
  if (ctx.stopping !== 'no') return [];
  const all = ctx.order.map((n) => ctx.steps[n]!);
  const running = all.filter(isActive);
  const used = { cpu: 0, gpu: 0 };
  for (const s of running) [used.cpu, used.gpu] = [used.cpu + (s.resources.cpu ?? 0), used.gpu + (s.resources.gpu ?? 0)];
  const start: string[] = [];
  for (const s of all) {
    if (s.state !== 'pending' || !s.needs.every((n) => DONE.includes(ctx.steps[n]!.state))) continue;
    if (running.length + start.length >= ctx.jobs) break;
    const cpu = used.cpu + (s.resources.cpu ?? 0);
    const gpu = used.gpu + (s.resources.gpu ?? 0);
    // A step larger than the limits still runs, alone, rather than never.
    const fits = cpu <= (ctx.limits.cpu ?? Infinity) && gpu <= (ctx.limits.gpu ?? Infinity);
    if (!fits && running.length + start.length > 0) continue;
    start.push(s.name);
    [used.cpu, used.gpu] = [cpu, gpu];
  }
  return start;
}

const settled = ({ context }: { context: RunContext }) =>
  !Object.values(context.steps).some(isActive) && readySteps(context).length === 0;

export const runMachine = setup({
  types: {
    context: {} as RunContext,
    input: {} as RunMachineInput,
    events: {} as RunMachineEvent,
  },
  actors: {
    load: fromPromise<void>(async () => {}),
    plan: fromPromise<MachineStep[]>(async () => []),
    step: stepMachine,
  },
  actions: {
    startReady: enqueueActions(({ context, enqueue }) => {
      const names = readySteps(context);
      if (!names.length) return;
      enqueue.assign({
        steps: ({ context }) => ({
          ...context.steps,
          ...Object.fromEntries(names.map((n) => [n, { ...context.steps[n]!, state: 'running' as const }])),
        }),
      });
      for (const n of names) enqueue.sendTo(n, { type: 'START' });
    }),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({ jobs: Math.max(1, input.jobs), limits: input.limits, steps: {}, order: [], stopping: 'no' }),
  initial: 'loading',
  on: {
    INTERRUPT: { actions: assign({ stopping: 'interrupt' }) },
  },
  states: {
    loading: {
      invoke: {
        src: 'load',
        onDone: 'planning',
        onError: { target: 'failed', actions: assign({ message: ({ event }) => (event.error as Error).message }) },
      },
      always: { guard: ({ context }) => context.stopping === 'interrupt', target: 'interrupted' },
    },
    planning: {
      invoke: {
        src: 'plan',
        onDone: {
          target: 'running',
          actions: assign({
            order: ({ event }) => event.output.map((s) => s.name),
            steps: ({ event }) =>
              Object.fromEntries(
                event.output.map((s) => [s.name, { ...s, state: s.decision === 'cached' ? ('cached' as const) : ('pending' as const) }]),
              ),
          }),
        },
        onError: { target: 'failed', actions: assign({ message: ({ event }) => (event.error as Error).message }) },
      },
      always: { guard: ({ context }) => context.stopping === 'interrupt', target: 'interrupted' },
    },
    running: {
      entry: [
        enqueueActions(({ context, enqueue }) => {
          for (const s of Object.values(context.steps)) {
            enqueue.spawnChild('step', { id: s.name, input: { name: s.name, cached: s.decision === 'cached' } });
          }
        }),
        'startReady',
      ],
      on: {
        STEP_STATE: {
          actions: [
            assign({
              steps: ({ context, event }) => ({
                ...context.steps,
                [event.name]: { ...context.steps[event.name]!, state: event.state, error: event.error, log: event.log },
              }),
              stopping: ({ context, event }) => (event.state === 'failed' && context.stopping === 'no' ? 'failure' : context.stopping),
            }),
            'startReady',
          ],
        },
        INTERRUPT: {
          actions: [
            assign({ stopping: 'interrupt' }),
            enqueueActions(({ context, enqueue }) => {
              for (const s of Object.values(context.steps)) if (isActive(s)) enqueue.sendTo(s.name, { type: 'INTERRUPT' });
            }),
          ],
        },
        KILL: {
          actions: enqueueActions(({ context, enqueue }) => {
            for (const s of Object.values(context.steps)) if (isActive(s)) enqueue.sendTo(s.name, { type: 'KILL' });
          }),
        },
      },
      always: [
        { guard: ({ context }) => settled({ context }) && Object.values(context.steps).some((s) => s.state === 'failed'), target: 'failed' },
        { guard: ({ context }) => settled({ context }) && context.stopping === 'interrupt', target: 'interrupted' },
        { guard: ({ context }) => settled({ context }) && Object.values(context.steps).every((s) => DONE.includes(s.state)), target: 'succeeded' },
        { guard: settled, target: 'interrupted' },
      ],
    },
    succeeded: { type: 'final' },
    failed: { type: 'final' },
    interrupted: { type: 'final' },
  },
});
