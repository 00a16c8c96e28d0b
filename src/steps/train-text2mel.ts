// `train-text2mel`: trains Text2Mel (docs/design.md §3.2–§3.5, §4.1, §5) on the features of an
// upstream `preprocess` step. Output: checkpoints/, metrics.jsonl, plots/, model.json.
// Heavy modules (TensorFlow.js) are imported inside run().
import type { StepContext, StepKind } from './contract.ts';
import { trainParamsSchema, type TrainParams } from '../training/params.ts';

export const trainText2Mel: StepKind<TrainParams> = {
  kind: 'train-text2mel',
  version: 1,
  description: 'train the Text2Mel network (text → reduced mel spectrogram) with guided attention',
  paramsSchema: trainParamsSchema('text2mel'),
  budgetParams: ['steps'],
  resources: { cpu: 1 },
  async run(ctx: StepContext<TrainParams>): Promise<void> {
    const { setUpTraining } = await import('../training/run-training.ts');
    const { text2melConfigFor } = await import('../training/model-config.ts');
    const { Text2MelTask } = await import('../training/text2mel-task.ts');
    const { trainLoop } = await import('../training/loop.ts');
    const { PhaseMels } = await import('../training/phase-mels.ts');
    const setup = await setUpTraining(ctx, (f, path) => text2melConfigFor(ctx.params.config, f, path));
    const p = setup.params;
    if (p.guidedAttention === 'durations') {
      const all = [...setup.split.train, ...setup.split.validation];
      const without = all.filter((it) => !it.utt.symbol_ends).length;
      if (without) ctx.warn(`guided_attention: durations: ${without} of ${all.length} utterances have no phone durations (preprocess text: phones of a speech-corpus with phone_durations: true); they use the diagonal prior`);
    }
    const task = new Text2MelTask(setup.model.config, p.seed, {
      guidedAttention: p.guidedAttention, guideWidth: p.guideWidth, decoderInput: { noise: p.decoderInputNoise, dropout: p.decoderInputDropout },
      phaseMels: p.reductionPhase === 'random' ? new PhaseMels(setup.features) : undefined, alignBy: p.alignBy, onNoAlignment: p.onNoAlignment, warn: (m) => ctx.warn(m),
    });
    try {
      await trainLoop(ctx, task, setup.split, p, setup.features, 'lower batch_size, or use a smaller config (config: tiny)');
    } finally {
      task.store.dispose();
    }
  },
};
