// Coalesces a step process's reports before they cross IPC: a training step reports progress after
// every batch (10+ a second) and a burst of metrics every log_every steps, and each message costs
// the coordinator a parse and a reporter update. Within one batch the latest progress and the
// latest value of each metric win (an older one is dropped); artifacts and log lines are never
// dropped, and they go out at once with what is pending before them: they are few, and a line such
// as "resumed from checkpoints/step-N" must not wait for the next batch (a step killed within the
// interval would lose it). Order is kept: a dropped report's replacement takes the place of the
// newest one.
import type { StepReport } from './worker-protocol.ts';

/** Least time between two batches of one step process. */
export const BATCH_INTERVAL_MS = 250;

export class ReportBatch {
  private pending: StepReport[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (reports: StepReport[]) => void,
    private readonly intervalMs = BATCH_INTERVAL_MS,
  ) {}

  add(report: StepReport): void {
    if (report.type === 'progress') this.pending = this.pending.filter((r) => r.type !== 'progress');
    else if (report.type === 'metric') this.pending = this.pending.filter((r) => r.type !== 'metric' || r.name !== report.name);
    this.pending.push(report);
    if (report.type === 'log' || report.type === 'artifact') {
      this.flush();
      return;
    }
    // unref: a pending batch never keeps the process alive; flush() before the final message.
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
  }

  /** Sends what is pending now (before the step's result, so the last values arrive first). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const reports = this.pending;
    this.pending = [];
    this.send(reports);
  }
}
