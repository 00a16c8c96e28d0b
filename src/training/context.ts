// What the training code sees of the step that runs it: where to write, where the upstream
// outputs are, the earlier build to warm-start from, and the reporting channel. The
// train-text2mel and train-ssrn steps pass their StepContext, which has all of these.
import type { WorkContext } from '../util/work-context.ts';

export interface TrainingContext extends WorkContext {
  /** The directory the run writes checkpoints, metrics, plots and model.json into. */
  outDir: string;
  /** Upstream step name -> its output directory (features, init_from, preview_ssrn). */
  inputs: Record<string, string>;
  /** An earlier build of this step to continue from (see StepContext.warmStart). */
  warmStart?: string;
}
