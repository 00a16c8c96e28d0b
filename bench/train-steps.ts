// The training steps the train bench times (tiny and default Text2Mel and SSRN on random data,
// batch B 8, N 40, T' 60), shared with bench/torch-step-child.ts, which times one in a process of
// its own. docs/design.md §3.7 gives 1.8 / 52.5 GFLOP per Text2Mel step (tiny /
// default) and 9.6 / 270 per SSRN step at this size.
import { tf } from '../src/models/backend.ts';
import { Adam } from '../src/models/adam.ts';
import { binaryDivergence, guidedAttentionLoss, l1Loss } from '../src/models/losses.ts';
import { Rng } from '../src/models/rng.ts';
import { Ssrn } from '../src/models/ssrn.ts';
import { Text2Mel } from '../src/models/text2mel.ts';
import type { SSRN_TINY, TEXT2MEL_TINY } from '../src/models/config.ts';
import { Stepper } from '../src/training/train-step.ts';

export const B = 8, N = 40, T = 60;
export const GFLOP = { text2melTiny: 1.8, text2melDefault: 52.5, ssrnTiny: 9.6, ssrnDefault: 270 };
/** Per case: stop measuring after this many seconds (at least one timed step). */
export const CASE_BUDGET_S = 30;
/** Warm-up step, then timed steps until `steps` or the budget. Skips when the warm-up alone exceeds the budget. */
export function timeSteps(step: () => void, steps = 5): { stepsPerS: number | null; warmS: number; note: string } {
  const w0 = performance.now();
  step();
  const warm = (performance.now() - w0) / 1000;
  if (warm > CASE_BUDGET_S) return { stepsPerS: null, warmS: warm, note: `skipped: warm-up step took ${warm.toFixed(0)} s` };
  let n = 0;
  const t0 = performance.now();
  while (n < steps && (n === 0 || (performance.now() - t0) / 1000 < CASE_BUDGET_S)) {
    step();
    n++;
  }
  return { stepsPerS: n / ((performance.now() - t0) / 1000), warmS: warm, note: `${n} timed steps` };
}

/** A batch's shape: utterances, text symbols, reduced frames. */
export interface StepShape { b: number; n: number; t: number }

export function text2melStep(cfg: typeof TEXT2MEL_TINY, { b, n, t }: StepShape = { b: B, n: N, t: T }): () => void {
  const model = new Text2Mel(cfg);
  const stepper = new Stepper(model.store.vars, new Adam());
  const ids = tf.tensor2d(Int32Array.from({ length: b * n }, (_, i) => 2 + (i % 30)), [b, n], 'int32');
  const mel = tf.randomUniform([b, t, cfg.nMels], 0, 1, 'float32', 1) as tf.Tensor3D;
  let i = 0;
  return () => {
    const rng = new Rng(i++);
    stepper.step(() => {
      const o = model.forward(ids, mel, { training: true, rng });
      const l1 = l1Loss(o.mel, mel), bd = binaryDivergence(o.logits, mel);
      const att = guidedAttentionLoss(o.alignment, Array(b).fill(n), Array(b).fill(t), cfg.g);
      return { total: tf.addN([l1, bd, att]) as tf.Scalar, terms: {} };
    }, 1e-3);
  };
}

export function ssrnStep(cfg: typeof SSRN_TINY, { b, t }: StepShape = { b: B, n: N, t: T }): () => void {
  const model = new Ssrn(cfg);
  const stepper = new Stepper(model.store.vars, new Adam());
  const mel = tf.randomUniform([b, t, cfg.nMels], 0, 1, 'float32', 2) as tf.Tensor3D;
  const mag = tf.randomUniform([b, 4 * t, cfg.fBins], 0, 1, 'float32', 3) as tf.Tensor3D;
  let i = 0;
  return () => {
    const rng = new Rng(i++);
    stepper.step(() => {
      const o = model.forward(mel, { training: true, rng });
      return { total: tf.add(l1Loss(o.mag, mag), binaryDivergence(o.logits, mag)) as tf.Scalar, terms: {} };
    }, 1e-3);
  };
}

