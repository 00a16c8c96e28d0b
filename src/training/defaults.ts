// The training hyperparameters a step uses when its `with:` block names none, for each model
// size (docs/design.md §5 explains them). The default size follows REF; the tiny size is what
// trains in minutes on a CPU. Everything that does not depend on the size is the same in both.
export interface TrainDefaults {
  steps: number;
  batchSize: number;
  /** Peak learning rate η0 of the Noam schedule. */
  lr: number;
  warmup: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  plotEvery: number;
  logEvery: number;
  validation: number;
  seed: number;
  /** SSRN: reduced frames per random training crop. */
  cropFrames: number;
  /** Text2Mel: the step by which the attention must be diagonal (the alignment watchdog). */
  alignBy: number;
  finetuneSteps: number;
  previewEvery: number;
}

const SHARED = {
  lr: 1e-3, checkpointEvery: 1000, keepCheckpoints: 3, plotEvery: 500, logEvery: 50,
  validation: 8, seed: 1, finetuneSteps: 500, previewEvery: 1,
};

export const TRAIN_DEFAULTS: Record<'default' | 'tiny', TrainDefaults> = {
  default: { ...SHARED, steps: 200_000, batchSize: 32, warmup: 4000, cropFrames: 64, alignBy: 20_000 },
  tiny: { ...SHARED, steps: 5000, batchSize: 16, warmup: 400, cropFrames: 16, alignBy: 3000 },
};
