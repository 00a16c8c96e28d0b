// Which reporter a run gets: --json → JSON lines; --plain or no TTY → plain lines; a TTY → the
// Ink dashboard. The dashboard is imported lazily so the runner never loads Ink itself.
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
  const { createDashboardReporter } = await importInkLive(() => import('./dashboard.tsx'));
  return createDashboardReporter({ onInterrupt: () => opts.onInterrupt() });
}

/**
 * Ink draws only the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them once, when
 * it loads). A TTY asked for the dashboard, so load Ink with both hidden, then put them back for
 * the step processes.
 */
async function importInkLive<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
