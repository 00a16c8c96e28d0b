// The metrics observer: sums each step's loss, terms and gradient norm, and every `log_every`
// steps (and at the last) writes their means with the learning rate, the speed and the
// validation to metrics.jsonl and as step metrics, then starts a new window.
import type { TrainingContext } from './context.ts';
import type { MetricsLine, MetricsLog } from './metrics-log.ts';
import { isDue, type StepReport, type TrainObserver } from './observer.ts';
import type { Validation } from './train-task.ts';

export class MetricsWindow implements TrainObserver {
  private readonly window: Record<string, number[]> = { loss: [], grad_norm: [] };
  private started = performance.now();
  private steps = 0;

  constructor(
    private readonly ctx: TrainingContext,
    terms: string[],
    private readonly log: MetricsLog,
    private readonly validate: (step: number) => Promise<Validation | undefined>,
    private readonly every: number,
  ) {
    for (const t of terms) this.window[t] = [];
  }

  async afterStep(s: StepReport): Promise<void> {
    this.steps += 1;
    for (const [k, xs] of Object.entries(this.window)) xs.push(k === 'grad_norm' ? s.gradNorm : s.values[k]);
    if (!isDue(s, this.every)) return;
    const secs = (performance.now() - this.started) / 1000;
    const line: MetricsLine = { step: s.step };
    for (const [k, xs] of Object.entries(this.window)) line[k] = xs.reduce((a, b) => a + b, 0) / xs.length;
    line.lr = s.lr;
    line.steps_per_s = this.steps / secs;
    line.s_per_step = secs / this.steps;
    const v = await this.validate(s.step);
    if (v) {
      line.val_loss = v.valLoss;
      Object.assign(line, v.metrics);
    }
    for (const [k, val] of Object.entries(line)) if (k !== 'step') this.ctx.metric(k, val, s.step);
    this.log.append(line);
    for (const xs of Object.values(this.window)) xs.length = 0;
    this.started = performance.now();
    this.steps = 0;
  }
}
