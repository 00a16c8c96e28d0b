// The Ink dashboard reporter: folds the runner's events into a view state and redraws it on the
// terminal when it changed, at most twice a second (every redraw is a React render, a layout
// and a frame written: drawn per event, it cost the coordinator a third of a core while two steps
// trained); `q` or Ctrl-C asks the runner to stop. The terminal is given back (cursor, raw mode)
// on close() and on process exit, crash included.
import { render } from 'ink';
import type { Reporter, RunEvent } from '../runner/events.ts';
import { actionsForEvent } from './dashboard/alignment-file.ts';
import { InterruptKeys } from './dashboard/interrupt-keys.tsx';
import { applyEvent, initialState, type DashboardAction } from './dashboard/state.ts';
import { Dashboard } from './dashboard/view.tsx';

export interface DashboardOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Called on each `q` / Ctrl-C with how many there have been: 1 = stop gracefully, 2 = stop now. */
  onInterrupt?: (count: number) => void;
  /** Least time between two redraws (default REDRAW_INTERVAL_MS). */
  redrawIntervalMs?: number;
}

/** Least time between two redraws. */
export const REDRAW_INTERVAL_MS = 500;
/** How often running durations and ETAs are refreshed without events. */
const CLOCK_INTERVAL_MS = 1000;

export function createDashboardReporter(opts: DashboardOptions = {}): Reporter {
  const stdout = opts.stdout ?? process.stdout;
  const interval = opts.redrawIntervalMs ?? REDRAW_INTERVAL_MS;
  let state = initialState();
  let interrupts = 0;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | undefined;
  let closed = false;

  const tree = () => (
    <>
      <Dashboard state={state} width={stdout.columns || 100} cwd={process.cwd()} />
      <InterruptKeys onStop={stop} />
    </>
  );
  const draw = () => {
    pending = undefined;
    lastDraw = Date.now();
    instance.rerender(tree());
  };
  const schedule = () => {
    if (pending || closed) return;
    pending = setTimeout(draw, Math.max(0, lastDraw + interval - Date.now()));
  };
  const dispatch = (action: DashboardAction) => {
    const next = applyEvent(state, action);
    if (next === state) return;
    state = next;
    schedule();
  };
  function stop() {
    interrupts += 1;
    dispatch({ type: 'interrupt' });
    opts.onInterrupt?.(interrupts);
  }

  const instance = render(tree(), { stdout, stdin: opts.stdin ?? process.stdin, exitOnCtrlC: false });
  lastDraw = Date.now();
  const clock = setInterval(() => dispatch({ type: 'tick', time: Date.now() }), CLOCK_INTERVAL_MS);
  clock.unref();
  stdout.on('resize', schedule);

  const restore = () => {
    if (closed) return;
    closed = true;
    clearTimeout(pending);
    clearInterval(clock);
    stdout.off('resize', schedule);
    process.off('exit', restore);
    instance.rerender(tree());
    instance.unmount();
  };
  process.on('exit', restore);

  return {
    onEvent(event: RunEvent) {
      if (closed) return;
      for (const action of actionsForEvent(event)) dispatch(action);
    },
    close: restore,
  };
}
