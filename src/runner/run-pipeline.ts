// `vcpipe run`: takes the cache lock, drives the run machine with real step processes, turns its
// transitions into RunEvents for the reporter and persists a snapshot at every transition, and
// while steps report progress at most every SNAPSHOT_REFRESH_MS (what `vcpipe status` shows).
import { createActor, fromPromise, toPromise } from 'xstate';
import { availableParallelism } from 'node:os';
import type { Reporter, RunEvent, RunState, StepState } from './events.ts';
import { CacheLayout } from './cache-layout.ts';
import { StepExecutor } from './execute-step.ts';
import { LiveSteps } from './live-steps.ts';
import type { Executor, ExecutorFactory, StepHandle } from './executor.ts';
import type { Store } from '../store/store.ts';
import type { Resources } from '../steps/contract.ts';
import { withStoredSteps } from './stored-steps.ts';
import { acquireLock } from './lock.ts';
import { waitForLeftoverSteps } from './leftover-steps.ts';
import type { Pipeline } from './pipeline.ts';
import { planPipeline, type Plan, type Selection, type StepPlan } from './plan.ts';
import { runMachine, type RunContext } from './run.machine.ts';
import { readRunSnapshot, SNAPSHOT_REFRESH_MS, writeRunSnapshot, type RunSnapshot } from './run-snapshot.ts';
import { stepMachine } from './step.machine.ts';
import { asDiskFull, DISK_FULL } from '../util/disk-full.ts';
import type { StopRequests } from './stop-requests.ts';
import { processAlive } from '../util/process-alive.ts';

export interface RunOptions {
  cacheDir: string;
  jobs?: number;
  selection: Selection;
  reporter: Reporter;
  /** Receives the runner's own notices (stale lock takeover, stopping). */
  notice: (message: string) => void;
  /** Stop requests (SIGINT, dashboard keys, watch): the first stops steps cleanly, the second kills them. */
  stop: StopRequests;
  /** Plan with warm starts (PlanOptions.warmStart): used by watch and `run --warm-start`. */
  warmStart?: boolean;
  /** Where step outputs live when not (only) in the local cache folder: steps in it are cached. */
  store?: Store;
  /** Where steps run (default: child processes on this machine, StepExecutor). */
  executor?: ExecutorFactory;
  /** Resources of all steps running at once when the pipeline sets none (default: this machine's cores, 1 GPU). */
  limits?: Resources;
}

export const defaultJobs = () => availableParallelism();

const plannedView = ({ name, kind, needs, decision, reason, estimate }: StepPlan) => ({ name, kind, needs, decision, reason, estimate });

/** Warns about steps a crashed earlier run left in flight (they resume from their work dirs). */
function reportCrashedRun(prev: RunSnapshot | undefined, emit: (e: RunEvent) => void): void {
  if (!prev || !['loading', 'planning', 'running'].includes(prev.state) || processAlive(prev.pid)) return;
  for (const [step, s] of Object.entries(prev.steps)) {
    if (s.state !== 'running') continue;
    emit({ type: 'log', step, level: 'warn', message: `the previous run (pid ${prev.pid}) stopped while this step was running; its work dir is resumed`, time: Date.now() });
  }
}

export async function runPipeline(pipeline: Pipeline, opts: RunOptions): Promise<RunState> {
  const cache = new CacheLayout(opts.cacheDir);
  const lock = acquireLock(cache.lock, opts.notice);
  const live = new LiveSteps();
  // Set while step reports wait for the next snapshot write.
  let refresh: NodeJS.Timeout | undefined;
  let lastSnapshot: (() => void) | undefined;
  const emit = (e: RunEvent) => {
    if (live.record(e) && lastSnapshot && !refresh) refresh = setTimeout(() => lastSnapshot?.(), SNAPSHOT_REFRESH_MS).unref();
    opts.reporter.onEvent(e);
  };
  let plan: Plan | undefined;
  let executor: Executor | undefined;
  const handles = new Map<string, StepHandle>();
  const local: ExecutorFactory = async (p) => new StepExecutor(p, cache, emit, opts.store);
  const machine = runMachine.provide({
    actors: {
      load: fromPromise(async () => {
        reportCrashedRun(readRunSnapshot(cache.run(pipeline.name)), emit);
        await waitForLeftoverSteps(cache, opts.notice);
      }),
      plan: fromPromise(async () => {
        plan = await planPipeline(pipeline, cache, opts.selection, { warmStart: opts.warmStart });
        if (opts.store) plan = await withStoredSteps(plan, opts.store, opts.selection.force);
        executor = await (opts.executor ?? local)(plan, emit);
        return plan.steps.map((s) => ({ name: s.name, needs: s.needs.filter((n) => plan!.steps.some((x) => x.name === n)), decision: s.decision, resources: s.resources }));
      }),
      step: stepMachine.provide({
        actors: {
          execute: fromPromise(async ({ input }) => {
            const handle = executor!.start(input.name);
            handles.set(input.name, handle);
            try {
              return await handle.outcome;
            } finally {
              handles.delete(input.name);
            }
          }),
        },
        actions: {
          interrupt: (_, { name }) => handles.get(name)?.interrupt(),
          kill: (_, { name }) => handles.get(name)?.kill(),
        },
      }),
    },
  });
  const limits = pipeline.resources ?? opts.limits ?? { cpu: availableParallelism(), gpu: 1 };
  const actor = createActor(machine, { input: { jobs: opts.jobs ?? defaultJobs(), limits } });
  const startedAt = Date.now();
  const stepStarted = new Map<string, number>();
  const stepEnded = new Map<string, number>();
  let lastRun: string | undefined;
  const lastStep = new Map<string, StepState>();
  let diskFull: Error | undefined;

  const onSnapshot = (value: string, ctx: RunContext) => {
    const time = Date.now();
    const runChanged = value !== lastRun && value !== 'loading';
    const final = ['succeeded', 'failed', 'interrupted'].includes(value);
    const runEvent = (): RunEvent => ({ type: 'run', state: value as RunState, pipeline: pipeline.name, time, ...(value === 'running' && plan ? { steps: plan.steps.map(plannedView) } : {}), ...(ctx.message ? { message: ctx.message } : {}) });
    // The run's start comes before its steps' events, its end after them.
    if (runChanged && !final) emit(runEvent());
    lastRun = value;
    for (const [name, s] of Object.entries(ctx.steps)) {
      if (lastStep.get(name) === s.state) continue;
      lastStep.set(name, s.state);
      if (s.state === 'pending') continue;
      if (s.state === 'running') stepStarted.set(name, time);
      else stepEnded.set(name, time);
      const planned = plan?.steps.find((p) => p.name === name);
      const reason = planned?.reason;
      const workDir = s.state === 'succeeded' && planned ? executor?.workDirOf(name) : undefined;
      const published = workDir ? { workDir, output: cache.entry(planned!.build.key) } : {};
      emit({ type: 'step', step: name, state: s.state, ...(reason && (s.state === 'running' || s.state === 'cached') ? { reason } : {}), ...(s.error ? { error: s.error, log: s.log } : {}), ...published, time });
    }
    if (runChanged && final) emit(runEvent());
    lastSnapshot = () => writeSnapshot(value, ctx, Date.now());
    lastSnapshot();
  };

  const writeSnapshot = (value: string, ctx: RunContext, time: number) => {
    clearTimeout(refresh);
    refresh = undefined;
    writeRunSnapshot(cache, {
      pipeline: pipeline.name,
      file: pipeline.file,
      pid: process.pid,
      state: value as RunSnapshot['state'],
      startedAt,
      updatedAt: time,
      message: ctx.message,
      steps: Object.fromEntries(
        Object.entries(ctx.steps).map(([name, s]) => {
          const p = plan!.steps.find((x) => x.name === name)!;
          return [name, { state: s.state, kind: p.kind, key: p.build.key, reason: p.reason, workDir: executor?.workDirOf(name), startedAt: stepStarted.get(name), endedAt: stepEnded.get(name), error: s.error, log: s.log, ...live.view(name) }];
        }),
      ),
    });
  };

  const onStop = (count: number) => {
    if (count === 1) opts.notice('interrupting: running steps stop cleanly (Ctrl-C again to kill them)');
    actor.send({ type: count === 1 ? 'INTERRUPT' : 'KILL' });
  };
  const unsubscribe = opts.stop.subscribe(onStop);
  try {
    actor.subscribe((snap) => {
      try {
        onSnapshot(String(snap.value), snap.context);
      } catch (err) {
        const full = asDiskFull(err, cache.run(pipeline.name));
        if (!full) throw err;
        // No room for the run's snapshot: say so once (unless a step's failure already did) and
        // stop the steps cleanly.
        if (diskFull) return;
        diskFull = full;
        if (!Object.values(snap.context.steps).some((s) => s.error?.startsWith(DISK_FULL))) opts.notice(full.message);
        actor.send({ type: 'INTERRUPT' });
      }
    });
    actor.start();
    // A request that came before the run started (watch restarting) applies at once.
    if (opts.stop.count > 0) onStop(opts.stop.count);
    await toPromise(actor).catch(() => undefined);
    const final = String(actor.getSnapshot().value) as RunState;
    // Stopped for a full disk: a failure, not the user's interrupt.
    return diskFull && final === 'interrupted' ? 'failed' : final;
  } finally {
    clearTimeout(refresh);
    lastSnapshot = undefined;
    unsubscribe();
    await executor?.close();
    lock.release();
  }
}
