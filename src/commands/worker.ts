// `vcpipe worker --redis URL --store URL [--cpu N] [--gpu N] [--cache DIR]`: runs steps that
// `vcpipe run --executor bullmq` submits, until Ctrl-C (or SIGTERM): then it drains (running
// steps checkpoint and their jobs go back to the queue for another worker); twice kills them.
import { hostname } from 'node:os';
import { UserError } from '../errors.ts';
import { StepWorkerPool } from '../distributed/step-worker-pool.ts';
import { openStore } from '../store/open-store.ts';
import { createJsonReporter } from '../ui/json-reporter.ts';
import { createPlainReporter } from '../ui/plain-reporter.ts';
import type { CliOptions } from './options.ts';

function count(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min)) throw new UserError(`worker: ${flag} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!(n > 0)) throw new UserError(`worker: ${flag} must be a number of seconds > 0, got '${value}'`);
  return n * 1000;
}

export async function workerCommand(o: CliOptions): Promise<number> {
  if (o.files.length) throw new UserError('worker: takes no pipeline file (the run sends the steps)');
  if (o.redis === undefined) throw new UserError('worker: --redis URL is required (see vcpipe worker --help)');
  if (o.store === undefined) throw new UserError('worker: --store URL is required: the store every machine reaches (see vcpipe worker --help)');
  const slots = { cpu: count('--cpu', o.cpu, 1, 0), gpu: count('--gpu', o.gpu, 0, 0) };
  if (slots.cpu + slots.gpu === 0) throw new UserError('worker: --cpu 0 and --gpu 0 leave it nothing to run');
  const reporter = o.json ? createJsonReporter() : createPlainReporter();
  const store = await openStore(o.store, o.cacheDir);
  // Workers are the store's long-lived users: each start clears what killed writers left staged.
  const swept = store.sweepStaging?.();
  if (swept?.removed) o.err(`vcpipe worker: removed ${swept.removed} staged file(s) older than a day from ${swept.where} (left by writers killed mid-write)`);
  const pool = new StepWorkerPool({
    redis: o.redis,
    store,
    name: o.name ?? `${hostname()}/${process.pid}`,
    slots,
    lockMs: seconds('--lock', o.lock, 30),
    saveEvery: seconds('--save-every', o.saveEvery, 60),
    emit: (e) => reporter.onEvent(e),
    say: (m) => o.err(`vcpipe worker: ${m}`),
  });
  let stopped!: () => void;
  const stopping = new Promise<void>((r) => (stopped = r));
  let signals = 0;
  // Once: drain; twice: kill the running steps; three times: leave now (Redis unreachable).
  const onSignal = () => {
    if (++signals === 3) process.exit(130);
    stopped();
    void pool.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await pool.start();
    await stopping;
    await pool.stop();
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await reporter.close();
  }
}
