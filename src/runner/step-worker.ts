// Entry of a step's child process: receives its job over IPC, runs the step kind with a
// StepContext whose reports go back to the runner, and writes step.log in the work dir.
// It aborts ctx.signal on an 'abort' message, on SIGINT, and when the runner vanishes.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { StepInterrupted, UserError } from '../errors.ts';
import type { StepContext } from '../steps/contract.ts';
import { loadStepKind } from '../steps/registry.ts';
import { asDiskFull } from '../util/disk-full.ts';
import { ReportBatch } from './report-batch.ts';
import type { FromWorker, StepJob, ToWorker } from './worker-protocol.ts';

const abort = new AbortController();
const send = (m: FromWorker) => process.connected && process.send?.(m);
const reports = new ReportBatch((batch) => send({ type: 'reports', reports: batch }));

process.on('SIGINT', () => abort.abort());
process.on('disconnect', () => {
  // The runner is gone (killed): stop the step so nothing keeps writing into its work dir.
  abort.abort();
  setTimeout(() => process.exit(1), 10_000).unref();
});

async function run(job: StepJob): Promise<FromWorker> {
  const logPath = join(job.outDir, 'step.log');
  const log = (level: string, message: string) => {
    try {
      appendFileSync(logPath, `${new Date().toISOString()} ${level} ${message}\n`);
    } catch {
      // The log is a copy of what goes to the runner; on a full disk it cannot be written.
    }
  };
  const ctx: StepContext = {
    ...job,
    signal: abort.signal,
    progress: (done, total, unit) => reports.add({ type: 'progress', done, total, unit, time: Date.now() }),
    metric: (name, value, at) => reports.add({ type: 'metric', name, value, at, time: Date.now() }),
    artifact: (path, kind, label) => reports.add({ type: 'artifact', path, kind, label, time: Date.now() }),
    log: (message) => {
      log('info', message);
      reports.add({ type: 'log', level: 'info', message, time: Date.now() });
    },
    warn: (message) => {
      log('warn', message);
      reports.add({ type: 'log', level: 'warn', message, time: Date.now() });
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
    const e = asDiskFull(err, job.outDir) ?? (err as Error);
    const error = e instanceof UserError ? e.message : (e.stack ?? String(e));
    log('error', error);
    return { type: 'failed', error, user: e instanceof UserError };
  }
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'abort') abort.abort();
  else if (m.type === 'start') {
    void run(m.job).then((result) => {
      reports.flush();
      // Disconnect once the result is written: disconnecting at once dropped the messages still
      // queued behind a chatty step's reports, the result among them.
      if (!process.connected || !process.send) return;
      process.send(result, () => process.disconnect());
    });
  }
});
