// Runs one planned step for real: prepares its work dir, starts its child process, and on
// success publishes the entry and records what it was built from. Inputs and outputs go through
// a Store by cache key (the local cache folder unless the caller gives another). The `local`
// Executor.
import { existsSync, readdirSync } from 'node:fs';
import { LocalStore } from '../store/local-store.ts';
import type { Store } from '../store/store.ts';
import type { RunEvent } from './events.ts';
import type { Executor, StepHandle } from './executor.ts';
import { writeHistory } from './build-record.ts';
import type { CacheLayout } from './cache-layout.ts';
import type { Plan } from './plan.ts';
import { startStepProcess, type StepOutcome, type StepProcess } from './step-process.ts';

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
    const work = await this.store.prepareWork(s.build.key, s.start);
    if (existsSync(work) && readdirSync(work).length) {
      this.emit({ type: 'log', step: name, level: 'info', message: `starts in ${work}, which holds earlier work (${s.start === 'continue' ? 'published entry' : 'interrupted run'})`, time: Date.now() });
    }
    const inputs = Object.fromEntries(await Promise.all(s.needs.map((n) => this.input(n))));
    const started = Date.now();
    const p = this.plan.pipeline;
    const proc = startStepProcess(
      { name, kind: s.kind, params: p.steps.find((x) => x.name === name)!.params, inputs, outDir: work, projectDir: p.projectDir, cacheDir: this.store.localDir, backend: p.backend, ...(s.warmStart ? { warmStart: s.warmStart } : {}) },
      this.emit,
      s.resources.cpu,
    );
    this.running.set(name, proc);
    try {
      const outcome = await proc.done;
      if (outcome === 'succeeded') {
        const record = { ...s.build, duration: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() };
        await this.store.publish(record);
        writeHistory(this.cache, p.name, record);
      }
      return outcome;
    } finally {
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
