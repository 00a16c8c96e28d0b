// Runs one planned step for real: prepares its work dir, starts its child process, and on
// success publishes the entry and records what it was built from. Inputs and outputs go through
// a Store by cache key (the local cache folder unless the caller gives another). The `local`
// Executor.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { LocalStore } from '../store/local-store.ts';
import type { Store } from '../store/store.ts';
import type { RunEvent } from './events.ts';
import type { Executor, StepHandle } from './executor.ts';
import { writeHistory } from './build-record.ts';
import type { CacheLayout } from './cache-layout.ts';
import type { Plan, StepPlan } from './plan.ts';
import { forgetStepPid, recordStepPid } from './leftover-steps.ts';
import { asDiskFull, DISK_FULL, diskFullError, freeBytes } from '../util/disk-full.ts';
import { stepItemsOf } from './step-items.ts';
import { startStepProcess, StepFailed, type StepOutcome, type StepProcess } from './step-process.ts';
import { firstLine } from '../util/error-line.ts';

/** Free bytes below which a step's failure is put down to the full disk it wrote to. */
const NEARLY_FULL = 64 * 1024;

export class StepExecutor implements Executor {
  private readonly running = new Map<string, StepProcess>();

  constructor(
    private readonly plan: Plan,
    private readonly cache: CacheLayout,
    private readonly emit: (e: RunEvent) => void,
    private readonly store: Store = new LocalStore(cache),
  ) {}

  workDirOf(name: string): string {
    return this.store.workDir(this.step(name).build.key);
  }

  private async input(name: string): Promise<[string, string]> {
    const key = this.step(name).build.key;
    const dir = await this.store.fetch(key);
    if (!dir) throw new Error(`the output of '${name}' (${key}) is not in ${this.store.url}`);
    return [name, dir];
  }

  private step(name: string) {
    const s = this.plan.steps.find((x) => x.name === name);
    if (!s) throw new Error(`no planned step '${name}'`);
    return s;
  }

  async execute(name: string): Promise<StepOutcome> {
    // Let the runner report the step as running before the step reports anything itself.
    await Promise.resolve();
    const s = this.step(name);
    try {
      return await this.executeIn(name, s);
    } catch (err) {
      throw asDiskFull(err, this.cache.root) ?? err;
    }
  }

  private async executeIn(name: string, s: StepPlan): Promise<StepOutcome> {
    const work = await this.store.prepareWork(s.build.key, s.start);
    const marker = this.cache.failedMarker(s.build.key);
    if (existsSync(work) && readdirSync(work).length) {
      const earlier = s.start === 'continue' ? 'published entry' : existsSync(marker) ? 'failed run' : 'interrupted run';
      this.emit({ type: 'log', step: name, level: 'info', message: `starts in ${work}, which holds earlier work (${earlier})`, time: Date.now() });
    }
    rmSync(marker, { force: true });
    const inputs = Object.fromEntries(await Promise.all(s.needs.map((n) => this.input(n))));
    const p = this.plan.pipeline;
    const params = p.steps.find((x) => x.name === name)!.params;
    // Against a shared store, items computed on other machines are not computed again here.
    const items = await stepItemsOf(this.store, { kind: s.kind, params, inputs, projectDir: p.projectDir });
    if (items) {
      const fetched = await this.store.fetchItems(items.namespace, items.names);
      if (fetched) this.emit({ type: 'log', step: name, level: 'info', message: `${fetched} of ${items.names.length} cached items fetched from ${this.store.url}`, time: Date.now() });
    }
    const started = Date.now();
    const proc = startStepProcess(
      { name, kind: s.kind, params, inputs, outDir: work, projectDir: p.projectDir, cacheDir: this.store.localDir, backend: p.backend, ...(s.warmStart ? { warmStart: s.warmStart } : {}) },
      this.emit,
      s.resources.cpu,
      (pid) => recordStepPid(this.cache, s.build.key, pid),
    );
    this.running.set(name, proc);
    try {
      const outcome = await proc.done;
      if (outcome === 'succeeded') {
        const record = { ...s.build, duration: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() };
        if (items) await this.store.publishItems(items.namespace, items.names);
        await this.store.publish(record);
        writeHistory(this.cache, p.name, record);
      }
      return outcome;
    } catch (err) {
      // Tells the next plan this work dir is what a failure left, not an interruption (best
      // effort: on a full disk the step's own error is what matters).
      if (err instanceof StepFailed) {
        try {
          writeFileSync(marker, firstLine(err) + '\n');
        } catch {}
        // A command that died writing to a full disk says so in its own way (or not at all).
        if (!err.message.startsWith(DISK_FULL) && freeBytes(work) < NEARLY_FULL) throw diskFullError(work);
      }
      throw err;
    } finally {
      forgetStepPid(this.cache, s.build.key);
      this.running.delete(name);
    }
  }

  start(name: string): StepHandle {
    return { outcome: this.execute(name), interrupt: () => this.interrupt(name), kill: () => this.kill(name) };
  }

  async close(): Promise<void> {}

  interrupt(name: string): void {
    this.running.get(name)?.interrupt();
  }

  kill(name: string): void {
    this.running.get(name)?.kill();
  }
}
