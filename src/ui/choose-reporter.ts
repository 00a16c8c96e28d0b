// Which reporter a run gets: --json → JSON lines; --plain or no TTY → plain lines; a TTY → the
// Ink dashboard. The dashboard is imported lazily so the runner never loads Ink itself.
import { register } from 'node:module';
import type { Reporter } from '../runner/events.ts';
import { createJsonReporter } from './json-reporter.ts';
import { createPlainReporter } from './plain-reporter.ts';

export interface ReporterChoice {
  json?: boolean;
  plain?: boolean;
  /**
   * The dashboard puts stdin in raw mode, so Ctrl-C arrives as a key, not as SIGINT: its q and
   * Ctrl-C presses come here and must reach the runner's stop path.
   */
  onInterrupt: () => void;
}

export async function chooseReporter(opts: ReporterChoice): Promise<Reporter> {
  if (opts.json) return createJsonReporter();
  if (opts.plain || !process.stdout.isTTY) return createPlainReporter();
  const { createDashboardReporter } = await loadDashboard();
  return createDashboardReporter({ onInterrupt: () => opts.onInterrupt() });
}

/**
 * The dashboard module, with Ink and React loaded as a live terminal needs them. Ink draws only
 * the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them once, when it loads): a
 * TTY asked for the dashboard, so both are hidden while it loads. React picks its build from
 * NODE_ENV when it loads: unset, it is the development build, which records a performance
 * measure for every component render (a million an hour, gigabytes of a long run's memory, and
 * most of the coordinator's CPU), so it loads as production unless the user set NODE_ENV. All
 * three are put back afterwards for the step processes. Ink's text caches are bounded on the way
 * in (./ink-cache-hooks.ts).
 */
export async function loadDashboard(): Promise<typeof import('./dashboard.tsx')> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION, NODE_ENV: process.env.NODE_ENV };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV ??= 'production';
  register('./ink-cache-hooks.ts', import.meta.url);
  try {
    return await import('./dashboard.tsx');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
