// Noam learning rate with warm-up (docs/design.md §5.1): with s = step + 1 (step counted from 0),
// η(s) = η0 · warmup^0.5 · min(s · warmup^−1.5, s^−0.5) = η0 · min(s / warmup, sqrt(warmup / s)).
export function noamLearningRate(step: number, lr0: number, warmup: number): number {
  const s = step + 1;
  return lr0 * Math.min(s / warmup, Math.sqrt(warmup / s));
}
