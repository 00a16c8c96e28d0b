// `vcpipe run <file>`: exit 0 succeeded, 1 a step failed, 130 interrupted.
import { chooseReporter } from '../ui/choose-reporter.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { runPipeline } from '../runner/run-pipeline.ts';
import { StopRequests } from '../runner/stop-requests.ts';
import type { CliOptions } from './options.ts';
import { planCommand } from './plan.ts';
import { runPlaceOf } from './run-executor.ts';

export const EXIT = { succeeded: 0, failed: 1, interrupted: 130 } as const;

export async function runCommand(o: CliOptions): Promise<number> {
  if (o.dryRun) return planCommand(o);
  const pipeline = await loadPipeline(o.file!, o.overrides);
  const place = await runPlaceOf(o, pipeline);
  const stop = new StopRequests();
  const reporter = await chooseReporter({ ...o, onInterrupt: () => stop.request() });
  const offSigint = stop.onSigint();
  try {
    const state = await runPipeline(pipeline, {
      cacheDir: o.cacheDir,
      jobs: o.jobs,
      selection: { only: o.only, from: o.from, force: o.force },
      reporter,
      // console.error, not a raw stderr write: Ink prints console output above its frame.
      notice: (m) => console.error(`vcpipe: ${m}`),
      stop,
      warmStart: o.warmStart,
      ...place,
    });
    return EXIT[state as keyof typeof EXIT] ?? 1;
  } finally {
    offSigint();
    await reporter.close();
  }
}
