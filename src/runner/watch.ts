// `vcpipe watch`: runs the pipeline, then watches the pipeline file and the inputs of its source
// steps (those without `needs`: corpus folders, sentence lists) and runs again what a change
// touched. Runs use warm start, so training continues from its last build on the grown data.
// What happens when (queue one follow-up run, restart, stop) is watch.machine.ts; this module
// provides its effects: the file watcher, loading and running the pipeline, the user's lines
// and the `watch` events (`--json`).
import { resolve } from 'node:path';
import { watch as chokidar, type FSWatcher } from 'chokidar';
import { createActor, fromPromise, toPromise } from 'xstate';
import { loadStepKind } from '../steps/registry.ts';
import { UserError } from '../errors.ts';
import type { Reporter, WatchEvent } from './events.ts';
import { loadPipeline } from './load-pipeline.ts';
import type { Override } from './overrides.ts';
import type { Pipeline } from './pipeline.ts';
import { PipelineProblems, formatProblem } from './problems.ts';
import { runPipeline } from './run-pipeline.ts';
import { StopRequests } from './stop-requests.ts';
import { watchLines } from './watch-lines.ts';
import { watchMachine, type WatchRunOutcome } from './watch.machine.ts';

/** Quiet time after the last change before a run starts: a copied folder of files is one change. */
export const DEBOUNCE_MS = 1000;
/** A file counts as written when its size has not changed for this long (chokidar awaitWriteFinish). */
const WRITE_SETTLE_MS = 400;

export interface WatchOptions {
  file: string;
  overrides: Override[];
  cacheDir: string;
  jobs?: number;
  /** A change during a run interrupts it (gracefully) instead of queueing a follow-up run. */
  restart: boolean;
  /** A reporter for one run; `onInterrupt` is how its keys (dashboard q / Ctrl-C) stop the watch. */
  reporter: (onInterrupt: () => void) => Promise<Reporter>;
  /** The watch's own lines (what it watches, what changed, pipeline problems). */
  say: (line: string) => void;
  /** The watch's events, as they happen (the `--json` stream). */
  emit?: (event: WatchEvent) => void;
}

/** The pipeline file and the external inputs of the steps that need no other step. */
async function watchedPaths(p: Pipeline): Promise<string[]> {
  const inputs = await Promise.all(p.steps.filter((s) => s.needs.length === 0).map(async (s) => (await loadStepKind(s.kind)).inputs?.(s.params, p.projectDir) ?? []));
  return [p.file, ...new Set(inputs.flat())];
}

/** Watches until stopped (SIGINT, or the dashboard's keys); resolves with the exit code. */
export async function watchPipeline(o: WatchOptions): Promise<number> {
  let watcher: FSWatcher | undefined;
  let watched: string[] = [];
  let current: StopRequests | undefined;
  const pending = new Set<string>();
  let debounce: NodeJS.Timeout | undefined;

  /** Watches `paths` from now on; resolves when a new watcher has scanned them (changes count from then). */
  const setWatched = async (paths: string[]) => {
    const add = paths.filter((p) => !watched.includes(p));
    const drop = watched.filter((p) => !paths.includes(p));
    watched = paths;
    if (!watcher) {
      watcher = chokidar(paths, {
        ignoreInitial: true,
        awaitWriteFinish: { stabilityThreshold: WRITE_SETTLE_MS, pollInterval: 100 },
        // The cache may sit inside a watched folder; its writes are not changes of the inputs.
        ignored: (path: string) => path === o.cacheDir || path.startsWith(o.cacheDir + '/'),
      });
      watcher.on('all', (_event, path) => changed(path));
      watcher.on('error', (err) => o.say(`watch error: ${(err as Error).message}`));
      await new Promise<void>((resolve) => watcher!.once('ready', () => resolve()));
    } else {
      if (add.length) watcher.add(add);
      if (drop.length) watcher.unwatch(drop);
    }
  };

  /** Loads the pipeline (watching what it names) and runs it; an invalid pipeline is an outcome. */
  const runOnce = async (): Promise<WatchRunOutcome> => {
    let p: Pipeline;
    try {
      p = await loadPipeline(o.file, o.overrides);
      await setWatched(await watchedPaths(p));
    } catch (err) {
      if (!(err instanceof PipelineProblems)) throw err;
      // Keep watching what was watched, and the file itself even if nothing was before.
      await setWatched(watched.length ? watched : [resolve(o.file)]);
      return { kind: 'invalid', problems: err.problems.map(formatProblem) };
    }
    current = new StopRequests();
    const reporter = await o.reporter(interrupt);
    try {
      const state = await runPipeline(p, { cacheDir: o.cacheDir, jobs: o.jobs, selection: {}, reporter, notice: (m) => o.say(m), stop: current, warmStart: true });
      if (state !== 'succeeded' && !actor.getSnapshot().context.stopping) o.say(`run ${state}`);
    } catch (err) {
      // A cache locked by another run, say: reported; the next change tries again.
      if (!(err instanceof UserError)) throw err;
      o.say(err.message);
    } finally {
      current = undefined;
      await reporter.close();
    }
    return { kind: 'ran' };
  };

  const actor = createActor(
    watchMachine.provide({
      actors: { run: fromPromise(runOnce) },
      actions: {
        notify: (_, note) => {
          const event: WatchEvent = { type: 'watch', ...note, ...(note.state === 'idle' ? { watched: watched.length } : {}), time: Date.now() };
          watchLines(event).forEach((line) => o.say(line));
          o.emit?.(event);
        },
        stopRun: () => current?.request(),
      },
    }),
    { input: { restart: o.restart } },
  );

  function changed(path: string) {
    pending.add(path);
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const paths = [...pending];
      pending.clear();
      actor.send({ type: 'CHANGED', paths });
    }, DEBOUNCE_MS);
  }

  /** Ctrl-C: the first stops the current run cleanly and ends the watch; the second kills steps. */
  function interrupt() {
    actor.send({ type: 'STOP' });
  }

  process.on('SIGINT', interrupt);
  actor.start();
  try {
    return (await toPromise(actor)).code;
  } finally {
    process.off('SIGINT', interrupt);
    clearTimeout(debounce);
    await watcher?.close();
  }
}
