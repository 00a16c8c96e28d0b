// The Text2Mel teacher-forced (docs/design.md §4.1): fed the true mel frames shifted right by one
// (a zero frame first), exactly as in its training, it predicts each next frame from the true past
// instead of its own. Used to score the Text2Mel stage on its own (eval/stage-probe.ts) and to give
// an SSRN the mels the Text2Mel really outputs, aligned with the true magnitudes (training/gta-mels.ts).
import { tf } from './backend.ts';
import { INFERENCE } from './layers.ts';
import type { Text2Mel } from './text2mel.ts';

/** The predicted reduced mel [frames, nMels] of the symbols `ids` with the true `mel` [frames, nMels] as the decoder's input. */
export function teacherForcedMel(text2mel: Text2Mel, ids: ArrayLike<number>, mel: Float32Array, frames: number): Float32Array {
  const nMels = text2mel.config.nMels;
  const s = new Float32Array(frames * nMels);
  s.set(mel.subarray(0, (frames - 1) * nMels), nMels);
  return tf.tidy(() => {
    const y = text2mel.forward(tf.tensor2d(Array.from(ids), [1, ids.length], 'int32'), tf.tensor3d(s, [1, frames, nMels]), INFERENCE).mel;
    return y.dataSync() as Float32Array;
  });
}
