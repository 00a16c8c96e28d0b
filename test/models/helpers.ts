// Shared test setup: the wasm backend (≈ 35× faster than cpu for these matMuls) and d = 16 configs.
import { selectBackend, tf } from '../../src/models/backend.ts';
import { TEXT2MEL_TINY, SSRN_TINY, type Text2MelConfig, type SsrnConfig } from '../../src/models/config.ts';

export const useTestBackend = () => selectBackend('wasm');

export const TEXT2MEL_D16: Text2MelConfig = { ...TEXT2MEL_TINY, nMels: 8, e: 16, d: 16 };
export const SSRN_D16: SsrnConfig = { ...SSRN_TINY, nMels: 8, c: 16, fBins: 33 };

/** Random ids in 2…31 with the end symbol 1 last: [B, N] int32. */
export function randomIds(b: number, n: number, seed = 1): tf.Tensor2D {
  const data = new Int32Array(b * n);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (i + 1) % n === 0 ? 1 : 2 + (s % 30);
  }
  return tf.tensor2d(data, [b, n], 'int32');
}

export const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
