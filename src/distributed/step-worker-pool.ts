// `vcpipe worker`: takes step jobs from the Redis queues of its resource classes while it has free
// slots (BullMQ's manual fetching: worker.getNextJob), runs each with runStoreJob (the same step
// code as a local run, checkpoints saved to the store), and reports the step's events back on
// the job's pub/sub channel. It renews each job's lock itself while the step runs and stops the
// step at once, saving and publishing nothing, when the lock is lost (another worker may be
// running it from the store by then). A user error fails the job for good (UnrecoverableError);
// anything else fails this attempt, and BullMQ retries it with backoff up to the job's attempts.
import { readFileSync } from 'node:fs';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import type { RunEvent } from '../runner/events.ts';
import { runStoreJob } from '../runner/run-store-job.ts';
import { StepFailed } from '../runner/step-process.ts';
import type { StoreJob } from '../runner/store-job.ts';
import { StopRequests } from '../runner/stop-requests.ts';
import type { Store } from '../store/store.ts';
import { CONTROL_CHANNEL, INTERRUPTED, connect, reachRedis, redisOptions, eventsChannel, queueName, type ControlMessage, type ResourceClass, type StepMessage, type TakenBy } from './protocol.ts';

export interface WorkerPoolOptions {
  redis: string;
  store: Store;
  /** Names this worker in the coordinator's events (host name by default). */
  name: string;
  slots: Record<ResourceClass, number>;
  /** Milliseconds a job's lock lasts without renewal: how soon another worker takes over a dead one's step. */
  lockMs: number;
  /** Milliseconds between saves of a running step's work dir to the store. */
  saveEvery: number;
  /** This worker's own log: the events of the steps it runs. */
  emit: (e: RunEvent) => void;
  say: (message: string) => void;
}

interface Running {
  /** The step's cache key (its shards share it). */
  key: string;
  stop: StopRequests;
  /** False once the job's lock is lost. */
  owned: boolean;
  /** Stopped by its coordinator (the job fails as INTERRUPTED), not by this worker draining (the job goes back). */
  cancelled: boolean;
  done: Promise<void>;
}

/** Log lines of a failed attempt kept with the job, for the coordinator's report. */
const LOG_TAIL = 30;

function tail(path: string | undefined): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL).join('\n');
  } catch {
    return '';
  }
}

export class StepWorkerPool {
  private pub!: Redis;
  private sub!: Redis;
  private readonly workers: Worker[] = [];
  /** By job id. */
  private readonly running = new Map<string, Running>();
  private readonly free: Record<ResourceClass, number>;
  private readonly waiters = new Set<() => void>();
  private readonly loops: Promise<void>[] = [];
  private draining = false;
  private closing: Promise<void> | undefined;
  private taken = 0;

  constructor(private readonly o: WorkerPoolOptions) {
    this.free = { ...o.slots };
  }

  async start(): Promise<void> {
    await reachRedis(this.o.redis);
    this.pub = connect(this.o.redis);
    this.sub = connect(this.o.redis);
    this.sub.on('message', (_channel, text: string) => {
      const m = JSON.parse(text) as ControlMessage;
      // Every job of the step: the step's own and its shards.
      for (const r of this.running.values()) {
        if (r.key !== m.key) continue;
        r.cancelled = true;
        this.o.say(`${m.action} requested by the run`);
        r.stop.request();
        if (m.action === 'kill') r.stop.request();
      }
    });
    await this.sub.subscribe(CONTROL_CHANNEL);
    for (const cls of ['cpu', 'gpu'] as const) {
      if (this.o.slots[cls] < 1) continue;
      const worker = new Worker(queueName(cls), null, {
        connection: redisOptions(this.o.redis),
        // Names its Redis connection: a coordinator counts the workers of a queue by it (--shards default).
        name: this.o.name,
        lockDuration: this.o.lockMs,
        // Also runs the stalled check: a job whose worker died (lock lapsed) goes back to waiting.
        stalledInterval: this.o.lockMs,
        maxStalledCount: 3,
        drainDelay: 1,
        autorun: false,
      });
      worker.on('error', (err) => this.o.say(`redis: ${err.message}`));
      await worker.startStalledCheckTimer();
      this.workers.push(worker);
      this.loops.push(this.fetchLoop(cls, worker));
    }
    this.o.say(`worker ${this.o.name}: cpu ${this.o.slots.cpu}, gpu ${this.o.slots.gpu} slots; store ${this.o.store.url}`);
  }

  private slotFreed(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private async fetchLoop(cls: ResourceClass, worker: Worker): Promise<void> {
    while (!this.draining) {
      if (this.free[cls] < 1) {
        await new Promise<void>((r) => this.waiters.add(r));
        continue;
      }
      const token = `${this.o.name}-${++this.taken}`;
      let job: Job<StoreJob> | undefined;
      try {
        job = (await worker.getNextJob(token)) as Job<StoreJob> | undefined;
      } catch (err) {
        if (this.draining) break;
        this.o.say(`could not fetch a job: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!job) continue;
      if (this.draining) {
        await job.moveToWait(token).catch(() => undefined);
        break;
      }
      this.run(cls, job, token);
    }
  }

  private run(cls: ResourceClass, job: Job<StoreJob>, token: string): void {
    const data = job.data;
    const key = data.record.key;
    // A step larger than the whole worker still runs, alone, rather than never.
    const need = Math.min(this.o.slots[cls], Math.max(1, (cls === 'gpu' ? data.resources.gpu : data.resources.cpu) ?? 1));
    this.free[cls] -= need;
    const r: Running = { key, stop: new StopRequests(), owned: true, cancelled: false, done: Promise.resolve() };
    const id = job.id!;
    const lose = (why: string) => {
      if (!r.owned) return;
      r.owned = false;
      this.o.say(`${data.name}: ${why}; stopping it (another worker may run it now)`);
      r.stop.request();
      r.stop.request();
    };
    // Renewing the lock is also the check that this worker still owns the step (a fence before
    // each save and the publish): a worker that was frozen past its lock learns it here.
    const owns = async () => {
      if (r.owned && (await job.extendLock(token, this.o.lockMs).catch(() => -1)) === 0) lose('its job lock was lost');
      return r.owned;
    };
    let renewed = Date.now();
    const renew = setInterval(() => {
      job.extendLock(token, this.o.lockMs).then(
        (ok) => (ok ? (renewed = Date.now()) : lose('its job lock was lost')),
        () => Date.now() - renewed > this.o.lockMs && lose('its job lock could not be renewed'),
      );
    }, this.o.lockMs / 3);
    const forward = (event: RunEvent) => {
      const e = event.type === 'step' ? (event.state === 'running' ? { ...event, worker: this.o.name } : undefined) : event;
      if (!e) return;
      const message: StepMessage = { worker: this.o.name, event: e, ...(data.shard ? { shard: data.shard.index } : {}) };
      void this.pub.publish(eventsChannel(key), JSON.stringify(message)).catch(() => undefined);
    };
    this.o.say(`${data.name}: took job ${job.id} from ${queueName(cls)} (attempt ${job.attemptsMade + 1})`);
    void job.updateProgress({ worker: this.o.name } satisfies TakenBy).catch(() => undefined);
    const attempt = async () => {
      try {
        const outcome = await runStoreJob(data, this.o.store, {
          emit: (e) => {
            this.o.emit(e);
            forward(e);
          },
          stop: r.stop,
          saveEvery: this.o.saveEvery,
          owns: () => owns(),
        });
        clearInterval(renew);
        if (!r.owned) return;
        if (outcome !== 'interrupted') await job.moveToCompleted({ outcome, worker: this.o.name }, token, false);
        else if (r.cancelled) await job.moveToFailed(new UnrecoverableError(INTERRUPTED), token);
        // This worker is draining: the step checkpointed and its work is in the store; the job
        // goes back to waiting for another worker (not counted as an attempt).
        else await job.moveToWait(token);
      } catch (err) {
        clearInterval(renew);
        if (!r.owned) return;
        const e = err as Error;
        const user = e instanceof UserError || (e instanceof StepFailed && e.user);
        this.o.say(`${data.name}: failed${user ? '' : ` (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`}: ${e.message.split('\n')[0]}`);
        await job.log(`--- ${this.o.name}, attempt ${job.attemptsMade + 1}: ${e.message}\n${tail((e as StepFailed).log)}`).catch(() => undefined);
        await job.moveToFailed(user ? new UnrecoverableError(e.message) : e, token, false);
      }
    };
    r.done = attempt()
      .catch((err: Error) => this.o.say(`${data.name}: could not report the job's end to redis: ${err.message}`))
      .finally(() => {
        clearInterval(renew);
        this.running.delete(id);
        this.free[cls] += need;
        this.slotFreed();
      });
    this.running.set(id, r);
  }

  /**
   * First call: take no more jobs, running steps checkpoint and their jobs go back to the queue.
   * Second: running steps are killed (their work was saved at the last checkpoint or save).
   * Resolves once everything is drained and the connections are closed.
   */
  stop(): Promise<void> {
    for (const r of this.running.values()) r.stop.request();
    if (this.closing) return this.closing;
    this.draining = true;
    this.o.say(`draining: ${this.running.size} running step(s) checkpoint and go back to the queue (again to kill them)`);
    this.slotFreed();
    this.closing = this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.loops);
    await Promise.all([this.pub, this.sub].map((c) => c.quit().catch(() => undefined)));
  }
}
