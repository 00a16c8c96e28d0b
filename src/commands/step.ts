// `vcpipe step NAME --key KEY --store URL --job JSON`: runs one step of an exported workflow (the
// same code a worker runs for one job). Exit 0 when the entry is in the store (published now, by
// another run first, or already cached), 1 the step failed, 2 bad input, 130 interrupted.
import { UserError } from '../errors.ts';
import { runStoreJob } from '../runner/run-store-job.ts';
import { StepFailed } from '../runner/step-process.ts';
import { parseStoreJob } from '../runner/store-job.ts';
import { StopRequests } from '../runner/stop-requests.ts';
import { openStore } from '../store/open-store.ts';
import { createJsonReporter } from '../ui/json-reporter.ts';
import { createPlainReporter } from '../ui/plain-reporter.ts';
import type { CliOptions } from './options.ts';

export async function stepCommand(o: CliOptions): Promise<number> {
  const [name, ...extra] = o.files;
  if (name === undefined || extra.length) throw new UserError('step: expected one step name (see vcpipe step --help)');
  for (const [flag, value] of [['--key', o.key], ['--store', o.store], ['--job', o.job]] as const) {
    if (value === undefined) throw new UserError(`step: ${flag} is required (see vcpipe step --help)`);
  }
  const saveEvery = o.saveEvery === undefined ? 60 : Number(o.saveEvery);
  if (!(saveEvery > 0)) throw new UserError(`step: --save-every must be a number of seconds > 0, got '${o.saveEvery}'`);
  const job = parseStoreJob(o.job!, o.key!);
  if (job.name !== name) throw new UserError(`step: the job is for step '${job.name}', not '${name}'`);
  const store = await openStore(o.store, o.cacheDir);
  const reporter = o.json ? createJsonReporter() : createPlainReporter();
  const stop = new StopRequests();
  const offSigint = stop.onSigint();
  // Kubernetes stops a pod with SIGTERM: the step checkpoints and its work is saved for the retry.
  const onTerm = () => stop.request();
  process.on('SIGTERM', onTerm);
  try {
    const outcome = await runStoreJob(job, store, { emit: (e) => reporter.onEvent(e), stop, saveEvery: saveEvery * 1000 });
    return outcome === 'interrupted' ? 130 : 0;
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    reporter.onEvent({ type: 'step', step: name, state: 'failed', error: err.message, log: err.log, time: Date.now() });
    return 1;
  } finally {
    offSigint();
    process.off('SIGTERM', onTerm);
    await reporter.close();
  }
}
