// Text2Mel generation, one reduced frame per step (docs/design.md §6.1 loop, §6.3 incremental form):
// TextEnc runs once per batch (K, V are constant); every AudioEnc/AudioDec layer advances by one
// frame from its queue of past inputs (causal-layer-step.ts); attention for the new frame uses
// the monotonic window of §6.2. Padded text positions stay attendable as in REF (§3.4:
// after E the attention reaches zero-embedded padding, where the decoder learned silence); each
// sentence stops on its own (stop-rule.ts) and the batch ends when all have stopped.
import { tf } from '../models/backend.ts';
import { attend } from '../models/attention.ts';
import { INFERENCE } from '../models/layers.ts';
import type { Text2Mel } from '../models/text2mel.ts';
import { CausalLayerStep } from './causal-layer-step.ts';
import { GenerationState, padIds, type GenerateOptions, type GeneratedMel } from './generation-state.ts';

/**
 * Mels for a batch of sentences. `ids[i]` = symbol ids incl. E (≤ max_N); all are padded with P to
 * the model's max_N (§6.1). `onFrame` is told the frame count after each step.
 */
export function generateIncremental(model: Text2Mel, ids: readonly number[][], opts: GenerateOptions & { onFrame?: (frame: number) => void }): GeneratedMel[] {
  const { maxN: n, nMels: f } = model.config;
  const b = ids.length;
  const state = new GenerationState(ids.map((r) => r.length), n, f, opts);
  const { keys, values } = tf.tidy(() => {
    const kv = model.encodeText(tf.tensor2d(padIds(ids, n), [b, n], 'int32'), INFERENCE); // K, V [B, N, d]
    return { keys: kv.keys, values: kv.values };
  });
  const enc = model.audioEnc.map((l) => new CausalLayerStep(l, b));
  const dec = model.audioDec.map((l) => new CausalLayerStep(l, b));
  // S[0] = 0 (§5.3: the decoder input is Y shifted right by one frame).
  let input = tf.zeros([b, 1, f]) as tf.Tensor3D;
  try {
    for (let frame = 0; frame < opts.maxFrames && !state.done; frame++) {
      const mask = state.nextMask();
      const { mel, attention } = tf.tidy(() => {
        let q = input;
        for (const l of enc) q = l.step(q); // Q [B, 1, d]
        const { rq, alignment } = attend(q, keys, values, tf.tensor3d(mask, [b, 1, n])); // R' [B, 1, 2d], A [B, 1, N]
        let h = rq;
        for (const l of dec) h = l.step(h); // logits [B, 1, F]
        return { mel: tf.sigmoid(h) as tf.Tensor3D, attention: alignment };
      });
      state.record(mel.dataSync() as Float32Array, attention.dataSync() as Float32Array);
      attention.dispose();
      input.dispose();
      input = mel; // Y[j] becomes S[j + 1]
      opts.onFrame?.(frame + 1);
    }
  } finally {
    input.dispose();
    keys.dispose();
    values.dispose();
    for (const l of [...enc, ...dec]) l.dispose();
  }
  return state.results();
}
