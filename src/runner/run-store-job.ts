// Runs one StoreJob on this machine, as a workflow's task or a worker's job: fetches the inputs by
// key from the store, runs the step in a child process with the same code as a local run, saves
// its work dir to the store at every checkpoint (a retry elsewhere resumes from there), and
// publishes the entry. An output already in the store is a cache hit and runs nothing. A step with
// per-item caches (StepKind.items) starts from the items the store holds and puts the ones it
// computes there as it goes; a shard of such a step (job.shard) only does that, in a scratch dir.
import { mkdirSync, rmSync } from 'node:fs';
import type { RunEvent } from './events.ts';
import { stepItemsOf } from './step-items.ts';
import { startStepProcess } from './step-process.ts';
import type { StoreJob } from './store-job.ts';
import type { StopRequests } from './stop-requests.ts';
import type { Store } from '../store/store.ts';
import { UserError } from '../errors.ts';
import { MIN_SHARD_ITEMS } from '../util/shard.ts';
import { resolve } from 'node:path';

/** 'computed': a shard's items are in the store (a shard publishes no entry). */
export type StoreJobOutcome = 'cached' | 'published' | 'exists' | 'interrupted' | 'computed';

export interface StoreJobOptions {
  emit: (e: RunEvent) => void;
  /** The first request stops the step cleanly (it checkpoints), the second kills it. */
  stop: StopRequests;
  /**
   * Milliseconds between saves of the running step's work dir (and computed items) to the store,
   * so a machine that dies without warning (kill -9, an evicted pod) costs at most this much work.
   * Also saved when the step announces a checkpoint, stops or fails.
   */
  saveEvery: number;
  /**
   * Asked before each save and before publishing: false once this machine no longer owns the step
   * (a worker whose job lock lapsed). From then on nothing is saved or published, since another
   * machine may be running the step from the store.
   */
  owns?: () => boolean | Promise<boolean>;
}

export async function runStoreJob(job: StoreJob, store: Store, { emit, stop, saveEvery, owns = () => true }: StoreJobOptions): Promise<StoreJobOutcome> {
  const { name, record, shard } = job;
  const say = (level: 'info' | 'warn', message: string) => emit({ type: 'log', step: name, level, message, time: Date.now() });
  if ((await store.lookup(record.key))?.outputId === record.outputId) {
    emit({ type: 'step', step: name, state: 'cached', reason: `cached: ${record.key} is in ${store.url}`, time: Date.now() });
    return 'cached';
  }
  const inputs: Record<string, string> = {};
  for (const [need, key] of Object.entries(job.needs)) {
    const dir = await store.fetch(key);
    if (!dir) throw new UserError(`step ${name} needs the output of '${need}' (${key}), which is not in ${store.url}: run that step first`);
    inputs[need] = dir;
  }
  const projectDir = resolve(job.projectDir);
  const ofShard = shard ? `shard ${shard.index + 1} of ${shard.count}: ` : '';
  const items = await stepItemsOf(store, { kind: job.kind, params: job.params, inputs, projectDir, shard });
  if (items === null) {
    say('info', `${ofShard}no items to compute (a shard takes at least ${MIN_SHARD_ITEMS})`);
    return 'computed';
  }
  if (items) {
    const fetched = await store.fetchItems(items.namespace, items.names);
    if (fetched) say('info', `${ofShard}${fetched} of ${items.names.length} cached items fetched from ${store.url}`);
  }
  // A shard writes no output: its step.log goes to a scratch dir of its own.
  const outDir = shard ? `${store.workDir(record.key)}.shard-${shard.index + 1}-of-${shard.count}` : await store.prepareWork(record.key, 'resume');
  if (shard) mkdirSync(outDir, { recursive: true });
  emit({ type: 'step', step: name, state: 'running', time: Date.now() });
  const started = Date.now();
  const putItems = async () => {
    if (items) await store.publishItems(items.namespace, items.names);
  };
  // Saves run one after another; a checkpoint announced during a save is saved by the next one.
  let saving: Promise<void> = Promise.resolve();
  const save = () =>
    (saving = saving
      .then(async () => {
        if (!(await owns())) return;
        await putItems();
        if (!shard) await store.saveWork(record.key);
      })
      .catch((err) => say('warn', `could not save ${items ? 'items and checkpoints' : 'checkpoints'} to ${store.url}: ${(err as Error).message}`)));
  const proc = startStepProcess(
    { name, kind: job.kind, params: job.params, inputs, outDir, projectDir, cacheDir: store.localDir, backend: job.backend, ...(items?.shard ? { shard: items.shard } : {}) },
    (e) => {
      emit(e);
      if (e.type === 'artifact' && e.kind === 'checkpoint') void save();
    },
    job.resources.cpu,
  );
  const unsubscribe = stop.subscribe((count) => (count === 1 ? proc.interrupt() : proc.kill()));
  const timer = setInterval(() => void save(), saveEvery);
  try {
    const outcome = await proc.done;
    clearInterval(timer);
    await saving;
    if (outcome === 'interrupted' || !(await owns())) {
      await save();
      emit({ type: 'step', step: name, state: 'interrupted', time: Date.now() });
      return 'interrupted';
    }
    if (shard) {
      await putItems();
      rmSync(outDir, { recursive: true, force: true });
      say('info', `${ofShard}its items are in ${store.url}`);
      return 'computed';
    }
    await putItems();
    const result = await store.publish({ ...record, duration: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() });
    if (result === 'exists') say('info', `another run published ${record.key} first; this copy was discarded`);
    emit({ type: 'step', step: name, state: 'succeeded', ...(result === 'published' ? { output: await store.fetch(record.key) } : {}), time: Date.now() });
    return result;
  } catch (err) {
    // A failed step keeps what it reached (checkpoints, computed items) for the retry.
    await saving;
    await save();
    throw err;
  } finally {
    clearInterval(timer);
    unsubscribe();
  }
}
