// `vcpipe watch`: runs the pipeline, then watches the pipeline file and the inputs of its source
// steps (those without `needs`: corpus folders, sentence lists) and runs again what a change
// touched. Runs use warm start, so training continues from its last build on the grown data.
// A change during a run queues exactly one follow-up run (or, with `restart`, stops the current
// run gracefully first). An invalid pipeline is reported and the watch waits for the next edit.
import { resolve } from 'node:path';
import { watch as chokidar, type FSWatcher } from 'chokidar';
import { loadStepKind } from '../steps/registry.ts';
import { UserError } from '../errors.ts';
import type { Reporter, RunState } from './events.ts';
import { loadPipeline } from './load-pipeline.ts';
import type { Override } from './overrides.ts';
import type { Pipeline } from './pipeline.ts';
import { PipelineProblems, formatProblem } from './problems.ts';
import { runPipeline } from './run-pipeline.ts';
import { StopRequests } from './stop-requests.ts';

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
}

/** The pipeline file and the external inputs of the steps that need no other step. */
async function watchedPaths(p: Pipeline): Promise<string[]> {
  const inputs = await Promise.all(p.steps.filter((s) => s.needs.length === 0).map(async (s) => (await loadStepKind(s.kind)).inputs?.(s.params, p.projectDir) ?? []));
  return [p.file, ...new Set(inputs.flat())];
}

/** Watches until stopped (SIGINT, or the dashboard's keys); resolves with the exit code. */
export function watchPipeline(o: WatchOptions): Promise<number> {
  let watcher: FSWatcher | undefined;
  let watched: string[] = [];
  let active: Promise<void> | undefined;
  let current: StopRequests | undefined;
  let queued = false;
  let stopping = false;
  let debounce: NodeJS.Timeout | undefined;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((r) => (finish = r));

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

  /** The pipeline as it is now, or undefined (problems reported) when the file is invalid. */
  const reload = async (): Promise<Pipeline | undefined> => {
    try {
      const p = await loadPipeline(o.file, o.overrides);
      await setWatched(await watchedPaths(p));
      return p;
    } catch (err) {
      if (!(err instanceof PipelineProblems)) throw err;
      err.problems.forEach((p) => o.say(formatProblem(p)));
      o.say('the pipeline is invalid: waiting for the next edit');
      // Keep watching what was watched, and the file itself even if nothing was before.
      await setWatched(watched.length ? watched : [resolve(o.file)]);
      return undefined;
    }
  };

  const runOnce = async (p: Pipeline): Promise<RunState> => {
    current = new StopRequests();
    const reporter = await o.reporter(interrupt);
    try {
      return await runPipeline(p, { cacheDir: o.cacheDir, jobs: o.jobs, selection: {}, reporter, notice: (m) => o.say(m), stop: current, warmStart: true });
    } finally {
      current = undefined;
      await reporter.close();
    }
  };

  /** Runs, then runs again while changes queued a follow-up. */
  const cycle = async () => {
    do {
      queued = false;
      const p = await reload();
      if (!p) return stopping ? stopWatching() : undefined;
      try {
        const state = await runOnce(p);
        if (state !== 'succeeded' && !stopping) o.say(`run ${state}`);
      } catch (err) {
        // A cache locked by another run, say: reported; the next change tries again.
        if (!(err instanceof UserError)) throw err;
        o.say(err.message);
      }
    } while (queued && !stopping);
    if (stopping) return stopWatching();
    o.say(`watching ${watched.length} path${watched.length === 1 ? '' : 's'} for changes (Ctrl-C to stop)`);
  };

  const start = () => {
    active = cycle()
      .catch((err) => {
        o.say(`watch stopped by an error: ${(err as Error).stack ?? err}`);
        stopping = true;
        return stopWatching(1);
      })
      .finally(() => (active = undefined));
  };

  function changed(path: string) {
    if (stopping) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      o.say(`${path} changed`);
      if (!active) return start();
      queued = true;
      if (o.restart && current && current.count === 0) {
        o.say('restarting: the current run stops cleanly first');
        current.request();
      } else o.say('a run is in progress: one follow-up run is queued');
    }, DEBOUNCE_MS);
  }

  async function stopWatching(code = 0) {
    process.off('SIGINT', interrupt);
    clearTimeout(debounce);
    await watcher?.close();
    finish(code);
  }

  /** Ctrl-C: the first stops the current run cleanly and ends the watch; the second kills steps. */
  function interrupt() {
    if (!stopping) {
      stopping = true;
      o.say('stopping the watch');
      if (!active) return void stopWatching();
    }
    current?.request();
  }

  process.on('SIGINT', interrupt);
  start();
  return finished;
}
