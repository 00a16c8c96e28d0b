// Where `vcpipe run` runs its steps and keeps their outputs: the pipeline's `executor:` block,
// overridden by --executor, --redis, --store, --attempts and --shards.
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import type { ExecutorFactory } from '../runner/executor.ts';
import type { Pipeline } from '../runner/pipeline.ts';
import { openStore } from '../store/open-store.ts';
import type { Resources } from '../steps/contract.ts';
import type { Store } from '../store/store.ts';
import type { CliOptions } from './options.ts';

export interface RunPlace {
  store?: Store;
  executor?: ExecutorFactory;
  jobs?: number;
  limits?: Resources;
}

/** Steps submitted at once to workers when neither --jobs nor the pipeline's resources: bound it. */
const SUBMITTED = 1000;

/** The store of --store or the executor: block; undefined: the local cache folder alone. */
export async function storeOf(o: CliOptions, pipeline: Pipeline): Promise<Store | undefined> {
  const block = pipeline.executor?.store;
  // A store path in the pipeline file is relative to the file; on the command line, to the current directory.
  const fromFile = block && !block.includes('://') && !isAbsolute(block) ? resolve(pipeline.projectDir, block) : block;
  const url = o.store ?? fromFile;
  return url === undefined ? undefined : openStore(url, o.cacheDir);
}

export async function runPlaceOf(o: CliOptions, pipeline: Pipeline): Promise<RunPlace> {
  const block = pipeline.executor;
  const type = o.executor ?? block?.type ?? 'local';
  if (type !== 'local' && type !== 'bullmq') throw new UserError(`--executor ${type}: expected local or bullmq`);
  const store = await storeOf(o, pipeline);
  if (type === 'local') return { store };
  const redis = o.redis ?? block?.redis;
  if (!redis) throw new UserError('--executor bullmq needs --redis URL (or executor.redis in the pipeline file)');
  if (!store) throw new UserError('--executor bullmq needs --store URL (or executor.store in the pipeline file): the store every worker reaches');
  const attempts = o.attempts === undefined ? (block?.attempts ?? 3) : Number(o.attempts);
  if (!(Number.isInteger(attempts) && attempts >= 1)) throw new UserError(`--attempts must be a whole number >= 1, got '${o.attempts}'`);
  if (o.force.length) throw new UserError('--force does not work with --executor bullmq yet (a worker finds the entry in the store): run that step with --executor local');
  const shards = o.shards === undefined ? block?.shards : Number(o.shards);
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) throw new UserError(`--shards must be a whole number >= 1, got '${o.shards}'`);
  const { reachRedis } = await import('../distributed/protocol.ts');
  await reachRedis(redis);
  const { openBullmqExecutor } = await import('../distributed/bullmq-executor.ts');
  const cache = new CacheLayout(o.cacheDir);
  // This machine's cores do not bound steps running on workers: their slots do.
  return { store, executor: (plan, emit) => openBullmqExecutor(plan, emit, { redis, store, cache, attempts, shards }), jobs: o.jobs ?? SUBMITTED, limits: {} };
}
