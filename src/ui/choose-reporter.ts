// Which reporter a run gets: --json → JSON lines; --plain or no TTY → plain lines; a TTY → the
// Ink dashboard. The dashboard is imported lazily so the runner never loads Ink itself.
import type { Reporter } from './events.ts';
import { createJsonReporter } from './json-reporter.ts';
import { createPlainReporter } from './plain-reporter.ts';

export async function chooseReporter(opts: { json?: boolean; plain?: boolean }): Promise<Reporter> {
  if (opts.json) return createJsonReporter();
  if (opts.plain || !process.stdout.isTTY) return createPlainReporter();
  // TTY: switch to the dashboard once src/ui/dashboard.tsx exists, by replacing the next line with
  // `return (await import('./dashboard.tsx')).createDashboardReporter();`
  return createPlainReporter();
}
