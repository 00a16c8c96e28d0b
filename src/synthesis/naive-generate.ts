// The reference loop of docs/design.md §6.1, kept only to check the incremental decoder against it:
// for each frame j the whole Text2Mel (TextEnc included) runs on S = [0, Y[0], …, Y[j−1]] and only
// output frame j is kept. One deliberate difference from REF: REF masks *every* query row with the
// current window, so the attention of earlier frames is recomputed with a window they were not
// generated with; here row t keeps the window it had when frame t was generated. That is the
// semantics a per-frame (incremental) decoder has, and what it must reproduce exactly (§6.3).
import { tf } from '../models/backend.ts';
import { INFERENCE } from '../models/layers.ts';
import type { Text2Mel } from '../models/text2mel.ts';
import { GenerationState, padIds, type GenerateOptions, type GeneratedMel } from './generation-state.ts';

export function naiveGenerate(model: Text2Mel, ids: readonly number[][], opts: GenerateOptions): GeneratedMel[] {
  const { maxN: n, nMels: f } = model.config;
  const b = ids.length;
  const state = new GenerationState(ids.map((r) => r.length), n, f, opts);
  const idTensor = tf.tensor2d(padIds(ids, n), [b, n], 'int32');
  const frames: Float32Array[] = []; // Y[j] as [B, F]
  const maskRows: Float32Array[] = []; // window mask of row j as [B, N]
  try {
    for (let j = 0; j < opts.maxFrames && !state.done; j++) {
      maskRows.push(state.nextMask());
      const { mel, attention } = tf.tidy(() => {
        const zero = tf.zeros([b, 1, f]);
        const past = frames.map((y) => tf.tensor3d(y, [b, 1, f]));
        const s = tf.concat([zero, ...past], 1) as tf.Tensor3D; // S [B, j + 1, F]
        const rows = maskRows.map((m) => tf.tensor3d(m, [b, 1, n]));
        const mask = tf.concat(rows, 1); // [B, j + 1, N]
        const out = model.forward(idTensor, s, INFERENCE, mask);
        return {
          mel: out.mel.slice([0, j, 0], [b, 1, f]), // [B, 1, F]
          attention: out.alignment.slice([0, j, 0], [b, 1, n]), // [B, 1, N]
        };
      });
      const y = mel.dataSync() as Float32Array;
      state.record(y, attention.dataSync() as Float32Array);
      frames.push(y);
      mel.dispose();
      attention.dispose();
    }
  } finally {
    idTensor.dispose();
  }
  return state.results();
}
