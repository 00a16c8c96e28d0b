// Which reporter a run gets: --json → JSON lines; --plain or no TTY → plain lines; a TTY → the
// Ink dashboard. The dashboard is imported lazily so the runner never loads Ink itself.
import type { Reporter } from './events.ts';
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
  const { createDashboardReporter } = await import('./dashboard.tsx');
  return createDashboardReporter({ onInterrupt: () => opts.onInterrupt() });
}
