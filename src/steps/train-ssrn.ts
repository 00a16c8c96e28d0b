// `train-ssrn`: trains SSRN (docs/design.md §3.6, §4.2) on random crops of the features of an
// upstream `preprocess` step. Output: checkpoints/, metrics.jsonl, plots/, model.json.
// Heavy modules (TensorFlow.js) are imported inside run().
import type { StepContext, StepKind } from './contract.ts';
import { trainParamsSchema, type TrainParams } from '../training/params.ts';

export const trainSsrn: StepKind<TrainParams> = {
  kind: 'train-ssrn',
  version: 1,
  description: 'train the SSRN network (reduced mel → full-rate linear magnitude) on random crops',
  paramsSchema: trainParamsSchema('ssrn'),
  budgetParams: ['steps'],
  resources: { cpu: 1 },
  async run(ctx: StepContext<TrainParams>): Promise<void> {
    const { setUpTraining } = await import('../training/run-training.ts');
    const { ssrnConfigFor } = await import('../training/model-config.ts');
    const { SsrnTask } = await import('../training/ssrn-task.ts');
    const { trainLoop } = await import('../training/loop.ts');
    const { withGtaMels } = await import('../training/gta-mels.ts');
    const setup = await setUpTraining(ctx, (f, path) => ssrnConfigFor(ctx.params.config, f, path));
    const p = setup.params;
    const task = new SsrnTask(setup.model.config, p.seed, setup.features.r, p.cropFrames);
    try {
      const split = p.gta ? withGtaMels(setup.split, ctx.inputs, p.gta, setup.features, (m) => ctx.log(m)) : setup.split;
      await trainLoop(ctx, task, split, p, setup.features, `lower crop_frames (now ${p.cropFrames}) or batch_size`);
    } finally {
      task.store.dispose();
    }
  },
};
