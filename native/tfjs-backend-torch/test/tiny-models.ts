// A tiny Text2Mel and SSRN training step built from the models engineer's src/models code, used
// by the kernel trace, the model-equivalence and the leak tests.
import { tf } from './helpers.ts';
import { TEXT2MEL_TINY, SSRN_TINY, type Text2MelConfig, type SsrnConfig } from '../../../src/models/config.ts';
import { Text2Mel } from '../../../src/models/text2mel.ts';
import { Ssrn } from '../../../src/models/ssrn.ts';
import { binaryDivergence, guidedAttentionLoss, l1Loss } from '../../../src/models/losses.ts';
import { Rng } from '../../../src/models/rng.ts';
import { Adam } from '../../../src/models/adam.ts';

export const T2M: Text2MelConfig = { ...TEXT2MEL_TINY, nMels: 8, e: 16, d: 16 };
/** Fewer layers (same layer kinds) for the 200-step leak test. */
export const T2M_SMALL: Text2MelConfig = {
  ...T2M, dilations: [1, 3], textEnc: { cycles: 1, extraK3: 0, extraK1: 1 }, audioEnc: { cycles: 1, extraDil3: 0 },
  audioDec: { cycles: 1, extraK3: 0, reluConvs: 1 },
};
export const SSRN: SsrnConfig = { ...SSRN_TINY, nMels: 8, c: 16, fBins: 33 };

export interface Batch {
  ids: Int32Array;
  mel: Float32Array;
  mag: Float32Array;
  b: number;
  n: number;
  t: number;
}

export function makeBatch(b = 2, n = 7, t = 9, seed = 3): Batch {
  const r = new Rng(seed);
  const ids = new Int32Array(b * n);
  for (let i = 0; i < ids.length; i++) ids[i] = (i + 1) % n === 0 ? 1 : 2 + Math.floor(r.next() * 30);
  const mel = new Float32Array(b * t * T2M.nMels).map(() => r.next());
  const mag = new Float32Array(b * 4 * t * SSRN.fBins).map(() => r.next());
  return { ids, mel, mag, b, n, t };
}

/**
 * Text2Mel loss (L1 + BD + guided attention) with teacher forcing; dropout on, seeded.
 * `zeroFirstFrame` false feeds the unshifted mel as S: the all-zero first frame of real teacher
 * forcing makes every LayerNorm at t = 0 see a zero-variance vector (gain 1/sqrt(1e-5)), which
 * amplifies float32 summation-order differences between backends to ~1e-3 relative in a few
 * gradients; the equivalence test avoids that degenerate point.
 */
export function text2melLoss(model: Text2Mel, batch: Batch, seed = 5, zeroFirstFrame = true): tf.Scalar {
  const { b, n, t } = batch;
  const F = T2M.nMels;
  const ids = tf.tensor2d(batch.ids, [b, n], 'int32');
  const mel = tf.tensor3d(batch.mel, [b, t, F]);
  const s = zeroFirstFrame ? (tf.concat([tf.zeros([b, 1, F]), tf.slice(mel, [0, 0, 0], [b, t - 1, F])], 1) as tf.Tensor3D) : mel;
  const out = model.forward(ids, s, { training: true, rng: new Rng(seed) });
  const att = guidedAttentionLoss(out.alignment, Array(b).fill(n), Array(b).fill(t), T2M.g);
  return tf.addN([l1Loss(out.mel, mel), binaryDivergence(out.logits, mel), att]) as tf.Scalar;
}

/** SSRN loss (L1 + BD) on the batch's mel → magnitudes. */
export function ssrnLoss(model: Ssrn, batch: Batch, seed = 6): tf.Scalar {
  const { b, t } = batch;
  const mel = tf.tensor3d(batch.mel, [b, t, SSRN.nMels]);
  const mag = tf.tensor3d(batch.mag, [b, 4 * t, SSRN.fBins]);
  const out = model.forward(mel, { training: true, rng: new Rng(seed) });
  return tf.add(l1Loss(out.mag, mag), binaryDivergence(out.logits, mag)) as tf.Scalar;
}

export interface StepResult {
  loss: number;
  grads: Map<string, Float32Array>;
}

/** Loss and every gradient (by our variable name), read back to arrays. */
export function lossAndGrads(vars: Map<string, tf.Variable>, f: () => tf.Scalar): StepResult {
  const names = [...vars.keys()];
  const { value, grads } = tf.variableGrads(f, names.map((k) => vars.get(k)!));
  const byTfName = new Map([...vars].map(([k, v]) => [v.name, k]));
  const out = new Map<string, Float32Array>();
  for (const [tfName, g] of Object.entries(grads)) out.set(byTfName.get(tfName)!, g.dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

/**
 * One full training step (forward, backward, clipped hand-written Adam), inside a tidy: Adam.step
 * returns its gradient norm from a tensor (tf.addN of the squares) that it does not dispose.
 */
export function trainStep(vars: Map<string, tf.Variable>, adam: Adam, f: () => tf.Scalar, lr = 1e-3): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(f, [...vars.values()]);
    const byTfName = new Map([...vars].map(([k, v]) => [v.name, k]));
    const named = new Map(Object.entries(grads).map(([n, g]) => [byTfName.get(n)!, g]));
    adam.step(vars, named, lr);
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  });
}

export { Text2Mel, Ssrn, Adam };
