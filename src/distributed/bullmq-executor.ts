// The `bullmq` Executor: the coordinator side of `vcpipe run --executor bullmq`. A ready step
// becomes a job (its StoreJob) on the queue of its resource class, with the step's cache key as its
// id: a job already in flight under that id (a coordinator restarted, or a second one running the
// same pipeline) is followed instead of submitted again. The step's events come back on its
// pub/sub channel; its end is read from the job's state (woken by QueueEvents, polled as well, so a
// missed event or a Redis restart costs at most one poll). A job gone from Redis whose output is
// not in the store (Redis restarted without persistence) is submitted again; it resumes from the
// checkpoints its worker saved to the store. A step with per-item caches (StepKind.items) is first
// split into shard jobs (ids <id>-shard-<i>-of-<n>) that fill the store with its items on every
// worker; its own job then finds them all cached and writes its output (shard-relay.ts: what the
// run shows of them).
import { Queue, QueueEvents, type Job } from 'bullmq';
import { writeFileAtomic } from '../util/atomic.ts';
import { writeHistory, type BuildRecord } from '../runner/build-record.ts';
import type { CacheLayout } from '../runner/cache-layout.ts';
import type { RunEvent } from '../runner/events.ts';
import type { Executor, StepHandle } from '../runner/executor.ts';
import type { Plan } from '../runner/plan.ts';
import { StepFailed, type StepOutcome } from '../runner/step-process.ts';
import { storeJobOf, type StoreJob } from '../runner/store-job.ts';
import type { Store } from '../store/store.ts';
import { loadStepKind } from '../steps/registry.ts';
import { ShardRelay } from './shard-relay.ts';
import {
  CONTROL_CHANNEL, INTERRUPTED, classOf, connect, eventsChannel, jobIdOf, queueName, redisOptions, shardJobIdOf,
  type ControlMessage, type ResourceClass, type StepMessage, type TakenBy,
} from './protocol.ts';

export interface BullmqExecutorOptions {
  redis: string;
  store: Store;
  /** This machine's cache folder: history records and failed steps' log tails go there. */
  cache: CacheLayout;
  /** Tries of a step that crashes (a user error is never retried). */
  attempts: number;
  /** Milliseconds between looks at a job's state besides QueueEvents' wake-ups. */
  pollMs?: number;
  /** Jobs a step with per-item caches (preprocess, speech-corpus) is split into; default: one per worker. */
  shards?: number;
}

const UNFINISHED = ['waiting', 'delayed', 'prioritized', 'waiting-children'];

export async function openBullmqExecutor(plan: Plan, emit: (e: RunEvent) => void, o: BullmqExecutorOptions): Promise<Executor> {
  const executor = new BullmqExecutor(plan, emit, o);
  await executor.ready();
  return executor;
}

class BullmqExecutor implements Executor {
  private readonly queues: Record<ResourceClass, Queue>;
  private readonly events: QueueEvents[];
  private readonly pub;
  private readonly sub;
  private readonly onMessage = new Map<string, (m: StepMessage) => void>();
  private readonly wake = new Map<string, () => void>();
  private closed = false;

  constructor(
    private readonly plan: Plan,
    private readonly emit: (e: RunEvent) => void,
    private readonly o: BullmqExecutorOptions,
  ) {
    const connection = redisOptions(o.redis);
    this.queues = { cpu: new Queue(queueName('cpu'), { connection }), gpu: new Queue(queueName('gpu'), { connection }) };
    this.events = (['cpu', 'gpu'] as const).map((c) => new QueueEvents(queueName(c), { connection }));
    for (const e of this.events) {
      e.on('error', () => {});
      const wake = ({ jobId }: { jobId: string }) => this.wake.get(jobId)?.();
      e.on('completed', wake);
      e.on('failed', wake);
    }
    for (const q of Object.values(this.queues)) q.on('error', () => {});
    this.pub = connect(o.redis);
    this.sub = connect(o.redis);
    this.sub.on('message', (channel: string, text: string) => this.onMessage.get(channel)?.(JSON.parse(text) as StepMessage));
  }

  async ready(): Promise<void> {
    await Promise.all([...Object.values(this.queues).map((q) => q.waitUntilReady()), ...this.events.map((e) => e.waitUntilReady())]);
  }

  workDirOf(): undefined {
    return undefined;
  }

  start(name: string): StepHandle {
    const job = storeJobOf(this.plan, name);
    const key = job.record.key;
    let stopping = false;
    const stop = (action: ControlMessage['action']) => {
      stopping = true;
      void this.pub.publish(CONTROL_CHANNEL, JSON.stringify({ key, action } satisfies ControlMessage)).catch(() => undefined);
      // The step's own job and its shards' (their ids start with its own).
      for (const [id, wake] of this.wake) if (id.startsWith(jobIdOf(key))) wake();
    };
    return { outcome: this.runStep(job, () => stopping), interrupt: () => stop('interrupt'), kill: () => stop('kill') };
  }

  private log(step: string, level: 'info' | 'warn', message: string): void {
    this.emit({ type: 'log', step, level, message, time: Date.now() });
  }

  /**
   * Jobs a step with per-item caches is split into: --shards, else one per worker that reads its
   * queue now (each shard then holds back to MIN_SHARD_ITEMS items: see util/shard.ts).
   */
  private async shardsOf(job: StoreJob, queue: Queue): Promise<number> {
    if (!(await loadStepKind(job.kind)).items) return 1;
    if (this.o.shards !== undefined) return this.o.shards;
    const workers = await queue.getWorkers().catch(() => []);
    return Math.max(1, new Set(workers.map((w) => w.rawname)).size);
  }

  /** The step's shard jobs first, when it has them (not when its own job is in flight already), then its own job. */
  private async runStep(job: StoreJob, stopping: () => boolean): Promise<StepOutcome> {
    const key = job.record.key;
    const queue = this.queues[classOf(job.resources)];
    const channel = eventsChannel(key);
    const relay = new ShardRelay(job.name, this.emit);
    this.onMessage.set(channel, (m) => relay.relay(m));
    await this.sub.subscribe(channel);
    try {
      const count = await this.shardsOf(job, queue);
      if (count > 1 && !(await this.inFlight(queue, jobIdOf(key)))) {
        this.log(job.name, 'info', `runs as ${count} shard jobs, then one that gathers their items`);
        const shards = Array.from({ length: count }, (_, index) => this.follow(queue, shardJobIdOf(key, index, count), { ...job, shard: { index, count } }, stopping));
        if ((await Promise.all(shards)).includes('interrupted')) return 'interrupted';
      }
      return await this.follow(queue, jobIdOf(key), job, stopping);
    } finally {
      this.onMessage.delete(channel);
      await this.sub.unsubscribe(channel).catch(() => undefined);
    }
  }

  private async inFlight(queue: Queue, id: string): Promise<boolean> {
    const found = await queue.getJob(id);
    return found !== undefined && !['completed', 'failed', 'unknown'].includes(await found.getState());
  }

  /** Submits the job `id` (or follows the one in flight) and waits for its end. */
  private async follow(queue: Queue, id: string, job: StoreJob, stopping: () => boolean): Promise<StepOutcome> {
    const { name } = job;
    try {
      await this.submit(queue, id, job);
      for (;;) {
        let state: StepOutcome | 'running' | 'lost';
        try {
          state = await this.check(queue, id, job, stopping());
        } catch (err) {
          if (err instanceof StepFailed) throw err;
          state = 'running'; // Redis unreachable for now: look again.
        }
        if (state === 'lost') {
          this.log(name, 'warn', `its job ${id} is gone from redis (restarted?) and its output is not in ${this.o.store.url}: submitted again`);
          await this.add(queue, id, job);
        } else if (state !== 'running') return state;
        if (this.closed) return 'interrupted';
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs ?? 1000);
          this.wake.set(id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    } finally {
      this.wake.delete(id);
    }
  }

  private add(queue: Queue, id: string, job: StoreJob): Promise<Job> {
    return queue.add(job.name, job, {
      jobId: id,
      attempts: this.o.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Submits the step's job, or follows the one in flight under its id. */
  private async submit(queue: Queue, id: string, job: StoreJob): Promise<void> {
    const existing = await queue.getJob(id);
    const state = existing && (await existing.getState());
    if (existing && state !== 'completed' && state !== 'failed' && state !== 'unknown') {
      const by = (existing.progress as Partial<TakenBy> | undefined)?.worker;
      this.log(job.name, 'info', `follows its job ${id}, already in flight (${state}${by && state === 'active' ? ` on ${by}` : ''})`);
      if (by && state === 'active') this.emit({ type: 'step', step: job.name, state: 'running', worker: by, time: Date.now() });
      return;
    }
    // A finished job of an earlier run (failed, interrupted) makes way for this one.
    await existing?.remove().catch(() => undefined);
    await this.add(queue, id, job);
  }

  private async check(queue: Queue, id: string, job: StoreJob, stopping: boolean): Promise<StepOutcome | 'running' | 'lost'> {
    const found = await queue.getJob(id);
    const state = found ? await found.getState() : 'unknown';
    if (state === 'unknown' || state === 'completed') {
      // A shard's job is done when it is gone (removed on completion). One lost with Redis costs
      // only time: the step's own job computes whatever items are missing.
      if (job.shard) return stopping ? 'interrupted' : 'succeeded';
      const record = await this.o.store.lookup(job.record.key);
      if (record?.outputId === job.record.outputId) return this.published(record);
      return stopping ? 'interrupted' : 'lost';
    }
    if (state === 'failed') {
      if (found!.failedReason === INTERRUPTED) return 'interrupted';
      throw await this.failure(queue, found!, job);
    }
    if (stopping && UNFINISHED.includes(state)) {
      // Not taken by any worker yet: it leaves the queue (a locked, running job does not).
      await found!.remove().catch(() => undefined);
    }
    return 'running';
  }

  private published(record: BuildRecord): StepOutcome {
    writeHistory(this.o.cache, this.plan.pipeline.name, record);
    return 'succeeded';
  }

  /** The step's failure as the run reports it, with the log tails its workers left on the job. */
  private async failure(queue: Queue, job: Job, step: StoreJob): Promise<StepFailed> {
    const { logs } = await queue.getJobLogs(job.id!);
    const path = this.o.cache.log(step.record.key);
    writeFileAtomic(path, logs.join('\n') + '\n');
    const tries = job.attemptsMade > 1 ? ` (after ${job.attemptsMade} attempts)` : '';
    return new StepFailed(`${job.failedReason}${tries}`, path);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.wake.values()) w();
    await Promise.all([...Object.values(this.queues).map((q) => q.close()), ...this.events.map((e) => e.close())]);
    await Promise.all([this.pub, this.sub].map((c) => c.quit().catch(() => undefined)));
  }
}
