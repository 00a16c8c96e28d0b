// Batches as tensors (docs/design.md §2.4, §5.3): right-padded with zeros to the batch maxima.
import { tf } from '../models/backend.ts';
import type { Rng } from '../models/rng.ts';
import type { Loaded } from './dataset.ts';

export interface Text2MelBatch {
  /** L [B, N_b] int32. */
  ids: tf.Tensor2D;
  /** Target mel [B, T'_b, F]. */
  mel: tf.Tensor3D;
  /** Decoder input S = mel shifted right one frame, first frame zero: [B, T'_b, F]. */
  s: tf.Tensor3D;
  textLens: number[];
  frameLens: number[];
  /** Each item's symbol end frames (the teacher's alignment), where its features have them. */
  symbolEnds: (number[] | undefined)[];
}

/** `corrupt` (training only) changes the decoder input S before it becomes a tensor; the target stays clean. */
export function collateText2Mel(items: Loaded[], nMels: number, corrupt?: (s: Float32Array, frameLens: number[], tb: number) => void): Text2MelBatch {
  const b = items.length;
  const textLens = items.map((x) => x.item.utt.ids.length);
  const frameLens = items.map((x) => x.mel.length / nMels);
  const nb = Math.max(...textLens);
  const tb = Math.max(...frameLens);
  const ids = new Int32Array(b * nb);
  const mel = new Float32Array(b * tb * nMels);
  const s = new Float32Array(b * tb * nMels);
  items.forEach((x, i) => {
    ids.set(x.item.utt.ids, i * nb);
    mel.set(x.mel, i * tb * nMels);
    // S[t] = Mel[t − 1] for t ≥ 1 (last frame dropped), S[0] = 0.
    s.set(x.mel.subarray(0, Math.min(frameLens[i], tb - 1) * nMels), (i * tb + 1) * nMels);
  });
  corrupt?.(s, frameLens, tb);
  return {
    ids: tf.tensor2d(ids, [b, nb], 'int32'),
    mel: tf.tensor3d(mel, [b, tb, nMels]),
    s: tf.tensor3d(s, [b, tb, nMels]),
    textLens,
    frameLens,
    symbolEnds: items.map((x) => x.item.utt.symbol_ends),
  };
}

export interface SsrnBatch {
  /** Reduced mel crop [B, C, F]. */
  mel: tf.Tensor3D;
  /** Matching magnitude crop [B, r·C, F']. */
  mag: tf.Tensor3D;
}

/**
 * Random crops of `crop` reduced frames (a shorter clip is taken whole and zero-padded), the
 * magnitude crop aligned at r× the offset. `crop` 0 = whole clips padded to the batch maximum
 * (then no rng is needed).
 */
export function collateSsrn(items: Loaded[], nMels: number, fBins: number, r: number, crop: number, rng: Rng | null): SsrnBatch {
  const b = items.length;
  const frames = items.map((x) => x.mel.length / nMels);
  const c = crop > 0 ? Math.min(crop, Math.max(...frames)) : Math.max(...frames);
  const mel = new Float32Array(b * c * nMels);
  const mag = new Float32Array(b * r * c * fBins);
  items.forEach((x, i) => {
    const n = Math.min(c, frames[i]);
    const off = frames[i] > c ? rng!.int(frames[i] - c + 1) : 0; // c < frames[i] only when cropping (rng given)
    mel.set(x.mel.subarray(off * nMels, (off + n) * nMels), i * c * nMels);
    mag.set(x.mag!.subarray(off * r * fBins, (off + n) * r * fBins), i * r * c * fBins);
  });
  return { mel: tf.tensor3d(mel, [b, c, nMels]), mag: tf.tensor3d(mag, [b, r * c, fBins]) };
}
