// What the coordinator (`vcpipe run --executor bullmq`) and `vcpipe worker` agree on, besides
// BullMQ's own job states: one queue per resource class, the job id (the step's cache key, so two
// coordinators of one pipeline share one job), and two Redis pub/sub channels BullMQ has no
// equivalent for: a step's events on their way to the coordinator, and stop requests to the
// worker that runs a step (BullMQ can cancel a job only in the process that runs it).
import { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import type { RunEvent } from '../runner/events.ts';
import type { Resources } from '../steps/contract.ts';

export type ResourceClass = 'cpu' | 'gpu';

/** A step that needs a GPU goes to the gpu queue, which only workers started with --gpu read. */
export const classOf = (r: Resources): ResourceClass => ((r.gpu ?? 0) > 0 ? 'gpu' : 'cpu');
export const queueName = (c: ResourceClass) => `vcpipe-${c}`;

/**
 * The job id of a step. Cache keys are 32 hex digits, which never hold ':' (BullMQ refuses it);
 * BullMQ also refuses ids that read as integers, which 32 hex digits almost never do: the 'k'
 * keeps even those apart.
 */
export const jobIdOf = (key: string) => (/^\d+$/.test(key) ? `k${key}` : key);

/** The step's events, published by the worker that runs it. */
export const eventsChannel = (key: string) => `vcpipe:events:${key}`;
/** `shard`: the index of the shard job that sent it; absent from the step's own job. */
export type StepMessage = { worker: string; event: RunEvent; shard?: number };

/** The job id of shard `index` of `count` of a step (BullMQ refuses ':' in ids). */
export const shardJobIdOf = (key: string, index: number, count: number) => `${jobIdOf(key)}-shard-${index + 1}-of-${count}`;

/** Stop requests from a coordinator: {key, action}. */
export const CONTROL_CHANNEL = 'vcpipe:control';
export type ControlMessage = { key: string; action: 'interrupt' | 'kill' };

/** failedReason of a job stopped because its run was interrupted: not a failure of the step. */
export const INTERRUPTED = 'vcpipe: interrupted by its run';

/** What a worker stores as the job's progress when it takes it (read by a coordinator that re-attaches). */
export type TakenBy = { worker: string };

/** Connection options for BullMQ's own clients (each Queue, Worker, QueueEvents makes and closes its own). */
export function redisOptions(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    u = new URL('invalid:');
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new UserError(`--redis ${url}: expected a redis://host:port URL`);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    // Commands wait through a reconnect (Redis restarting) instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** Fails with a one-line UserError when Redis does not answer within `ms` (BullMQ would wait forever). */
export async function reachRedis(url: string, ms = 5000): Promise<void> {
  const probe = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ms });
  let cause = '';
  probe.on('error', (err: Error) => (cause ||= err.message));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new UserError(`cannot reach redis at ${url}: ${cause || (err as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

/** A client of our own, for pub/sub. */
export function connect(url: string): Redis {
  const redis = new Redis(redisOptions(url));
  // Connection errors are retried by ioredis; without a listener each one would be printed.
  redis.on('error', () => {});
  return redis;
}
