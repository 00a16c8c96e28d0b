// The run machine headless: start an actor, send events, assert the snapshot. Step execution
// is provided as promises the test settles by hand (the machine's seam for executors).
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { runMachine, type MachineStep } from '../../src/runner/run.machine.ts';
import { stepMachine } from '../../src/runner/step.machine.ts';
import type { StepOutcome } from '../../src/runner/step-process.ts';

function harness(steps: MachineStep[], jobs = 2) {
  const pending = new Map<string, (o: StepOutcome) => void>();
  const interrupted: string[] = [];
  const machine = runMachine.provide({
    actors: {
      plan: fromPromise(async () => steps),
      step: stepMachine.provide({
        actors: { execute: fromPromise(({ input }) => new Promise<StepOutcome>((res) => pending.set(input.name, res))) },
        actions: { interrupt: (_, { name }) => void interrupted.push(name) },
      }),
    },
  });
  const actor = createActor(machine, { input: { jobs, limits: { cpu: 2, gpu: 1 } } }).start();
  const states = () => Object.fromEntries(Object.entries(actor.getSnapshot().context.steps).map(([n, s]) => [n, s.state]));
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { actor, pending, interrupted, states, tick };
}

const step = (name: string, needs: string[] = [], decision: 'cached' | 'runs' = 'runs', gpu = 0): MachineStep => ({ name, needs, decision, resources: { cpu: 1, gpu } });

describe('run machine', () => {
  it('runs independent steps side by side within jobs, dependants after', async () => {
    const h = harness([step('a', [], 'cached'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])]);
    await h.tick();
    expect(h.actor.getSnapshot().value).toBe('running');
    expect(h.states()).toEqual({ a: 'cached', b: 'running', c: 'running', d: 'pending' });
    h.pending.get('b')!('succeeded');
    await h.tick();
    expect(h.states().d).toBe('pending');
    h.pending.get('c')!('succeeded');
    await h.tick();
    expect(h.states().d).toBe('running');
    h.pending.get('d')!('succeeded');
    await h.tick();
    expect(h.actor.getSnapshot().value).toBe('succeeded');
  });

  it('keeps a gpu limit of 1: two gpu steps run one after the other', async () => {
    const h = harness([step('t2m', [], 'runs', 1), step('ssrn', [], 'runs', 1)]);
    await h.tick();
    expect(h.states()).toEqual({ t2m: 'running', ssrn: 'pending' });
    h.pending.get('t2m')!('succeeded');
    await h.tick();
    expect(h.states().ssrn).toBe('running');
  });

  it('INTERRUPT asks running steps to stop and starts nothing new', async () => {
    const h = harness([step('a'), step('b', ['a'])]);
    await h.tick();
    h.actor.send({ type: 'INTERRUPT' });
    expect(h.interrupted).toEqual(['a']);
    h.pending.get('a')!('interrupted');
    await h.tick();
    expect(h.states()).toEqual({ a: 'interrupted', b: 'pending' });
    expect(h.actor.getSnapshot().value).toBe('interrupted');
  });

  it('a failing step fails the run with its message; its dependants never start', async () => {
    const steps = [step('a'), step('b', ['a'])];
    const machine = runMachine.provide({
      actors: {
        plan: fromPromise(async () => steps),
        step: stepMachine.provide({ actors: { execute: fromPromise<StepOutcome, { name: string }>(async () => { throw new Error('boom'); }) } }),
      },
    });
    const actor = createActor(machine, { input: { jobs: 1, limits: {} } }).start();
    await new Promise((r) => setTimeout(r, 10));
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('failed');
    expect(snap.context.steps.a).toMatchObject({ state: 'failed', error: 'boom' });
    expect(snap.context.steps.b!.state).toBe('pending');
  });
});
