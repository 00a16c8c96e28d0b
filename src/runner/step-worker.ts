// Entry of a step's child process: receives its job over IPC, runs the step kind with a
// StepContext whose reports go back to the runner, and writes step.log in the work dir.
// It aborts ctx.signal on an 'abort' message, on SIGINT, and when the runner vanishes.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { StepInterrupted, UserError } from '../errors.ts';
import { type StepContext } from '../steps/contract.ts';
import { loadStepKind } from '../steps/registry.ts';
import type { FromWorker, StepJob, ToWorker } from './worker-protocol.ts';

const abort = new AbortController();
const send = (m: FromWorker) => process.connected && process.send?.(m);

process.on('SIGINT', () => abort.abort());
process.on('disconnect', () => {
  // The runner is gone (killed): stop the step so nothing keeps writing into its work dir.
  abort.abort();
  setTimeout(() => process.exit(1), 10_000).unref();
});

async function run(job: StepJob): Promise<FromWorker> {
  const logPath = join(job.outDir, 'step.log');
  const log = (level: string, message: string) => appendFileSync(logPath, `${new Date().toISOString()} ${level} ${message}\n`);
  const ctx: StepContext = {
    ...job,
    signal: abort.signal,
    progress: (done, total, unit) => send({ type: 'event', event: { type: 'progress', done, total, unit } }),
    metric: (name, value, at) => send({ type: 'event', event: { type: 'metric', name, value, at } }),
    artifact: (path, kind, label) => send({ type: 'event', event: { type: 'artifact', path, kind, label } }),
    log: (message) => {
      log('info', message);
      send({ type: 'event', event: { type: 'log', level: 'info', message } });
    },
    warn: (message) => {
      log('warn', message);
      send({ type: 'event', event: { type: 'log', level: 'warn', message } });
    },
  };
  log('info', `start ${job.kind} step '${job.name}' in ${job.outDir}`);
  try {
    const kind = await loadStepKind(job.kind);
    await kind.run(ctx);
    if (abort.signal.aborted) throw new StepInterrupted();
    log('info', 'done');
    return { type: 'done', outcome: 'succeeded' };
  } catch (err) {
    if (err instanceof StepInterrupted || abort.signal.aborted) {
      log('info', `interrupted: ${(err as Error).message}`);
      return { type: 'done', outcome: 'interrupted' };
    }
    const e = err as Error;
    log('error', e instanceof UserError ? e.message : (e.stack ?? String(e)));
    return { type: 'failed', error: e instanceof UserError ? e.message : (e.stack ?? String(e)), user: e instanceof UserError };
  }
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'abort') abort.abort();
  else if (m.type === 'start') {
    void run(m.job).then((result) => {
      send(result);
      process.disconnect?.();
    });
  }
});
