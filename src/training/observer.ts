// What the training loop tells the parts that watch it (metrics, plots, checkpoints): one report
// per optimisation step. Each observer decides itself whether the step is one it acts on.
export interface StepReport {
  /** Steps done, this one included. */
  step: number;
  /** The step the run trains to. */
  target: number;
  lr: number;
  /** Total loss as `loss` and the task's terms. */
  values: Record<string, number>;
  gradNorm: number;
}

export interface TrainObserver {
  /** Called after every step, in the order the loop lists the observers. */
  afterStep(s: StepReport): Promise<void> | void;
}

/** Steps an every-N observer acts on: each N-th, and the last. */
export const isDue = (s: StepReport, every: number): boolean => s.step % every === 0 || s.step === s.target;
