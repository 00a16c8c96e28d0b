// `--json`: one RunEvent object per line on stdout, exactly as the runner emits it.
import type { Reporter, RunEvent } from '../runner/events.ts';

export function createJsonReporter(out: NodeJS.WritableStream = process.stdout): Reporter {
  return {
    onEvent: (event: RunEvent) => void out.write(JSON.stringify(event) + '\n'),
    close: () => {},
  };
}
