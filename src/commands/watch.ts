// `vcpipe watch <file>`: run, then run again what changes touch, until Ctrl-C.
import { chooseReporter } from '../ui/choose-reporter.ts';
import { createJsonReporter } from '../ui/json-reporter.ts';
import { watchPipeline } from '../runner/watch.ts';
import type { CliOptions } from './options.ts';

export async function watchCommand(o: CliOptions): Promise<number> {
  return watchPipeline({
    file: o.file!,
    overrides: o.overrides,
    cacheDir: o.cacheDir,
    jobs: o.jobs,
    restart: o.restart,
    reporter: (onInterrupt) => chooseReporter({ ...o, onInterrupt }),
    // console.error: shown above the dashboard's frame while a run is drawn.
    say: (line) => console.error(`vcpipe watch: ${line}`),
    // --json: the watch's own events join the runs' events on stdout.
    emit: o.json ? createJsonReporter().onEvent : undefined,
  });
}
