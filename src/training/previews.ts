// Listening while training: every `preview_every`-th checkpoint, the preview sentences are spoken
// with that checkpoint (and the preview SSRN's latest, else the vocoder chosen without one) into
// `previews/step-N/`, announced so the report plays them.
import { join, relative } from 'node:path';
import { checkpointDirName } from '../models/checkpoint.ts';
import { UserError } from '../errors.ts';
import type { TrainingContext } from './context.ts';
import type { ResolvedTrainParams } from './params.ts';

export class Previews {
  private readonly ssrnDir: string | undefined;

  /** Checks preview_ssrn at once, before any step trains. */
  constructor(private readonly ctx: TrainingContext, private readonly p: Pick<ResolvedTrainParams, 'preview' | 'previewEvery' | 'previewSsrn'>) {
    if (p.previewSsrn) {
      const dir = ctx.inputs[p.previewSsrn];
      if (!dir) throw new UserError(`preview_ssrn: '${p.previewSsrn}' is not among this step's needs (${Object.keys(ctx.inputs).join(', ')})`);
      this.ssrnDir = dir;
    }
  }

  /** Whether the `saved`-th checkpoint of this run is previewed. */
  due(saved: number): boolean {
    return this.p.preview.length > 0 && saved % this.p.previewEvery === 0;
  }

  /** Speaks the preview sentences with the checkpoint at `step` (model.json must point at it). */
  async speak(step: number): Promise<void> {
    const { ctx, p } = this;
    const { synthesizeSentences } = await import('../synthesis/synthesize.ts');
    const outDir = join(ctx.outDir, 'previews', checkpointDirName(step));
    const result = await synthesizeSentences({
      text2melDir: ctx.outDir, ssrnDir: this.ssrnDir, sentences: p.preview, which: step, ssrnWhich: 'latest',
      outDir, batchSize: p.preview.length, log: () => {}, warn: (m) => ctx.warn(`preview: ${m}`),
    });
    for (const s of result.sentences) {
      ctx.artifact(join(outDir, s.wav), 'audio', `preview at step ${step}: ${s.text}`);
      if (s.alignmentPng) ctx.artifact(join(outDir, s.alignmentPng), 'image', `preview alignment at step ${step}: ${s.text}`);
    }
    ctx.log(`preview at step ${step}: ${result.sentences.length} sentence(s) in ${relative(ctx.outDir, outDir)} (vocoder ${result.vocoder})`);
  }
}
