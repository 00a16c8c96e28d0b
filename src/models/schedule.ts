// Learning-rate schedules of docs/design.md §5.1. Steps are counted from 0; s = step + 1.

export type LrScheduleName = 'noam' | 'linear-decay';

/** Noam with warm-up: η(s) = η0 · warmup^0.5 · min(s · warmup^−1.5, s^−0.5) = η0 · min(s / warmup, sqrt(warmup / s)). */
export function noamLearningRate(step: number, lr0: number, warmup: number): number {
  const s = step + 1;
  return lr0 * Math.min(s / warmup, Math.sqrt(warmup / s));
}

/**
 * Warm-up, then a straight line to zero at the step budget ("Budgeted Training", Li, Yumer,
 * Ramanan, ICLR 2020): η = η0 · s / warmup during warm-up, then η0 · (total − step) / (total − warmup),
 * which is η0 right after warm-up, η0 / (total − warmup) at the last step and 0 at the budget.
 * Steps past the budget (a raised budget resumes beyond it) stay at 0 until the budget is raised.
 */
export function linearDecayLearningRate(step: number, lr0: number, warmup: number, total: number): number {
  if (step < warmup) return (lr0 * (step + 1)) / warmup;
  if (total <= warmup) return 0;
  return (lr0 * Math.max(0, total - step)) / (total - warmup);
}

/** The learning rate of one step under the named schedule; `total` is the step budget. */
export function learningRate(schedule: LrScheduleName, step: number, lr0: number, warmup: number, total: number): number {
  return schedule === 'linear-decay' ? linearDecayLearningRate(step, lr0, warmup, total) : noamLearningRate(step, lr0, warmup);
}
