// Runs one planned step for real: prepares its work dir, starts its child process, and on
// success publishes the entry and records what it was built from.
import { existsSync, readdirSync } from 'node:fs';
import type { RunEvent } from './events.ts';
import { writeHistory } from './build-record.ts';
import type { CacheLayout } from './cache-layout.ts';
import type { Plan } from './plan.ts';
import { forgetStepPid, recordStepPid } from './leftover-steps.ts';
import { prepareWorkDir, publish } from './publish.ts';
import { startStepProcess, type StepOutcome, type StepProcess } from './step-process.ts';

export class StepExecutor {
  private readonly running = new Map<string, StepProcess>();

  constructor(
    private readonly plan: Plan,
    private readonly cache: CacheLayout,
    private readonly emit: (e: RunEvent) => void,
  ) {}

  workDirOf(name: string): string {
    return this.cache.work(this.step(name).build.key);
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
    const work = prepareWorkDir(this.cache, s.build.key, s.start);
    if (existsSync(work) && readdirSync(work).length) {
      this.emit({ type: 'log', step: name, level: 'info', message: `starts in ${work}, which holds earlier work (${s.start === 'continue' ? 'published entry' : 'interrupted run'})`, time: Date.now() });
    }
    const inputs = Object.fromEntries(s.needs.map((n) => [n, this.cache.entry(this.step(n).build.key)]));
    const started = Date.now();
    const p = this.plan.pipeline;
    const proc = startStepProcess(
      { name, kind: s.kind, params: p.steps.find((x) => x.name === name)!.params, inputs, outDir: work, projectDir: p.projectDir, cacheDir: this.cache.root, backend: p.backend, ...(s.warmStart ? { warmStart: s.warmStart } : {}) },
      this.emit,
      s.resources.cpu,
      (pid) => recordStepPid(this.cache, s.build.key, pid),
    );
    this.running.set(name, proc);
    try {
      const outcome = await proc.done;
      if (outcome === 'succeeded') {
        const record = { ...s.build, duration: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() };
        publish(this.cache, record);
        writeHistory(this.cache, p.name, record);
      }
      return outcome;
    } finally {
      forgetStepPid(this.cache, s.build.key);
      this.running.delete(name);
    }
  }

  interrupt(name: string): void {
    this.running.get(name)?.interrupt();
  }

  kill(name: string): void {
    this.running.get(name)?.kill();
  }
}
