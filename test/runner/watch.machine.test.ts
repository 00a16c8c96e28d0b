// The watch machine headless: runs are promises the test settles by hand, changes and Ctrl-C are
// events, and what the user is told is recorded (the machine's seams: run, stopRun, notify).
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { watchMachine, type WatchNote, type WatchRunOutcome } from '../../src/runner/watch.machine.ts';

function harness(restart = false) {
  const runs: { changed: string[]; settle: (o: WatchRunOutcome) => void; fail: (e: Error) => void }[] = [];
  const notes: WatchNote[] = [];
  let stopRequests = 0;
  const machine = watchMachine.provide({
    actors: {
      run: fromPromise<WatchRunOutcome, { changed: string[] }>(({ input }) => new Promise((settle, fail) => runs.push({ changed: input.changed, settle, fail }))),
    },
    actions: {
      notify: (_, note) => void notes.push(note),
      stopRun: () => void stopRequests++,
    },
  });
  const actor = createActor(machine, { input: { restart } }).start();
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const state = () => actor.getSnapshot().value;
  const states = () => notes.map((n) => n.state);
  return { actor, runs, notes, states, state, tick, stops: () => stopRequests };
}

describe('watch machine', () => {
  it('runs at once, waits, and reruns on a change with the changed paths', async () => {
    const h = harness();
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0].changed).toEqual([]);
    h.runs[0].settle({ kind: 'ran' });
    await h.tick();
    expect(h.state()).toEqual({ waiting: 'idle' });
    expect(h.states()).toEqual(['idle']);
    h.actor.send({ type: 'CHANGED', paths: ['rec/a.wav', 'rec/a.txt'] });
    expect(h.state()).toBe('running');
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1].changed).toEqual(['rec/a.wav', 'rec/a.txt']);
    expect(h.notes.at(-1)).toEqual({ state: 'rerun', changed: ['rec/a.wav', 'rec/a.txt'] });
  });

  it('queues exactly one follow-up run for any number of changes during a run', async () => {
    const h = harness();
    h.actor.send({ type: 'CHANGED', paths: ['a'] });
    h.actor.send({ type: 'CHANGED', paths: ['b', 'a'] });
    h.actor.send({ type: 'CHANGED', paths: ['c'] });
    expect(h.runs).toHaveLength(1);
    expect(h.states()).toEqual(['queued', 'queued', 'queued']);
    h.runs[0].settle({ kind: 'ran' });
    await h.tick();
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1].changed).toEqual(['a', 'b', 'c']);
    expect(h.notes.at(-1)).toEqual({ state: 'rerun', changed: ['a', 'b', 'c'] });
    h.runs[1].settle({ kind: 'ran' });
    await h.tick();
    expect(h.runs).toHaveLength(2);
    expect(h.state()).toEqual({ waiting: 'idle' });
    expect(h.stops()).toBe(0);
  });

  it('with restart, the first change stops the run cleanly and a new run follows', async () => {
    const h = harness(true);
    h.actor.send({ type: 'CHANGED', paths: ['a'] });
    h.actor.send({ type: 'CHANGED', paths: ['b'] });
    expect(h.stops()).toBe(1);
    expect(h.states()).toEqual(['restarting', 'queued']);
    h.runs[0].settle({ kind: 'ran' });
    await h.tick();
    expect(h.runs).toHaveLength(2);
    h.actor.send({ type: 'CHANGED', paths: ['c'] }); // a new run: restart again
    expect(h.stops()).toBe(2);
  });

  it('a pipeline that does not load is reported and the watch goes on', async () => {
    const h = harness();
    h.runs[0].settle({ kind: 'invalid', problems: ['p.yaml:4:21: unknown step kind'] });
    await h.tick();
    expect(h.state()).toEqual({ waiting: 'invalid' });
    expect(h.notes).toEqual([{ state: 'invalid', problems: ['p.yaml:4:21: unknown step kind'] }]); // no "watching" (idle) line
    h.actor.send({ type: 'CHANGED', paths: ['p.yaml'] });
    expect(h.runs).toHaveLength(2);
    h.runs[1].settle({ kind: 'ran' });
    await h.tick();
    expect(h.state()).toEqual({ waiting: 'idle' });
  });

  it('stop while running: the run is asked to stop, a second stop kills, the watch ends when it has', async () => {
    const h = harness();
    h.actor.send({ type: 'STOP' });
    h.actor.send({ type: 'CHANGED', paths: ['ignored'] });
    h.actor.send({ type: 'STOP' });
    expect(h.stops()).toBe(2);
    expect(h.states()).toEqual(['stopping']);
    expect(h.actor.getSnapshot().status).toBe('active');
    h.runs[0].settle({ kind: 'ran' });
    await h.tick();
    expect(h.runs).toHaveLength(1);
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output).toEqual({ code: 0 });
    expect(h.notes.at(-1)).toEqual({ state: 'stopped', code: 0, message: undefined });
  });

  it('stop while idle ends at once; a watch that breaks ends with code 1 and why', async () => {
    const idle = harness();
    idle.runs[0].settle({ kind: 'ran' });
    await idle.tick();
    idle.actor.send({ type: 'STOP' });
    expect(idle.actor.getSnapshot().output).toEqual({ code: 0 });
    expect(idle.stops()).toBe(0);

    const broken = harness();
    broken.runs[0].fail(new Error('watcher exploded'));
    await broken.tick();
    expect(broken.actor.getSnapshot().output).toEqual({ code: 1 });
    const last = broken.notes.at(-1)!;
    expect(last.state).toBe('stopped');
    expect(last.message).toMatch(/^Error: watcher exploded/);
  });
});
