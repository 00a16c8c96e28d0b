// The plots observer: every `plot_every` steps (and at the last) the validation alignment as a
// PNG and as numbers (alignment-latest.json, for the dashboard's terminal heatmap), and the loss
// curves so far, drawn by src/plots/ and announced as artifacts.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeAlignmentPng, writeLossCurvesPng } from '../plots/plots.ts';
import { ALIGNMENT_MATRIX_LABEL } from './alignment-matrix.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { TrainingContext } from './context.ts';
import type { MetricsLog } from './metrics-log.ts';
import { isDue, type StepReport, type TrainObserver } from './observer.ts';
import type { Validation } from './train-task.ts';

export class TrainingPlots implements TrainObserver {
  private readonly dir: string;

  constructor(
    private readonly ctx: TrainingContext,
    private readonly task: { network: string; terms: string[] },
    private readonly log: MetricsLog,
    private readonly validate: (step: number) => Promise<Validation | undefined>,
    private readonly every: number,
  ) {
    this.dir = join(ctx.outDir, 'plots');
    mkdirSync(this.dir, { recursive: true });
  }

  async afterStep(s: StepReport): Promise<void> {
    if (!isDue(s, this.every)) return;
    const v = await this.validate(s.step);
    const { ctx, dir, log, task } = this;
    if (v?.alignment) {
      const path = join(dir, `alignment-step-${s.step}.png`);
      writeAlignmentPng(path, v.alignment.matrix, v.alignment.rows, v.alignment.cols, { title: 'attention (first validation utterance)', step: s.step });
      ctx.artifact(path, 'image', `alignment at step ${s.step}`);
      const matrixPath = join(dir, 'alignment-latest.json');
      const { rows, cols, matrix } = v.alignment;
      writeJsonAtomic(matrixPath, { rows, cols, step: s.step, data: Array.from(matrix, (x) => Math.round(x * 1e4) / 1e4) });
      ctx.artifact(matrixPath, 'other', ALIGNMENT_MATRIX_LABEL);
    }
    if (log.lines.length >= 2) {
      const path = join(dir, 'loss.png');
      writeLossCurvesPng(path, log.series(['loss', ...task.terms, 'val_loss']), { title: `${task.network} loss` });
      ctx.artifact(path, 'image', 'loss curves');
    }
  }
}
