// Mel → linear magnitude for previews before an SSRN exists: per frame, the non-negative least
// squares solution a ≥ 0 of W·a ≈ m (W = the mel filterbank), by Lee–Seung multiplicative updates
// a ← a ⊙ (Wᵀm) / (WᵀW·a + ε), which keep a non-negative and never increase ‖W·a − m‖².
import type { FeatureConfig } from './feature-config.ts';
import { filterbankOf, normalizeAmplitudes } from './features.ts';
import { normToAmplitude } from './griffin-lim.ts';
import type { MelFilterbank } from './mel.ts';

/** NNLS iterations per frame: relative mel residual ≈ 2e-4 on speech after 50 (test/audio/mel-inverse.test.ts). */
export const NNLS_ITERATIONS = 50;

/** Linear amplitude [frames, nBins] whose mel projection best matches the mel amplitude [frames, nMels]. */
export function melToLinear(mel: Float64Array, frames: number, fb: MelFilterbank, iters = NNLS_ITERATIONS): Float64Array {
  const { nMels, nBins, weights, start, end } = fb;
  const out = new Float64Array(frames * nBins);
  const wtm = new Float64Array(nBins);
  const wa = new Float64Array(nMels);
  const wtwa = new Float64Array(nBins);
  for (let t = 0; t < frames; t++) {
    const m = mel.subarray(t * nMels, (t + 1) * nMels);
    const a = out.subarray(t * nBins, (t + 1) * nBins);
    wtm.fill(0);
    for (let i = 0; i < nMels; i++) for (let k = start[i]; k < end[i]; k++) wtm[k] += weights[i * nBins + k] * m[i];
    for (let k = 0; k < nBins; k++) a[k] = wtm[k] > 0 ? 1 : 0; // bins no band covers stay 0
    for (let it = 0; it < iters; it++) {
      for (let i = 0; i < nMels; i++) {
        let acc = 0;
        for (let k = start[i]; k < end[i]; k++) acc += weights[i * nBins + k] * a[k];
        wa[i] = acc;
      }
      wtwa.fill(0);
      for (let i = 0; i < nMels; i++) for (let k = start[i]; k < end[i]; k++) wtwa[k] += weights[i * nBins + k] * wa[i];
      for (let k = 0; k < nBins; k++) if (a[k] > 0) a[k] *= wtm[k] / (wtwa[k] + 1e-12);
    }
  }
  return out;
}

/**
 * Reduced normalised mel [T', n_mels] → normalised linear magnitude [r·T', n_fft/2+1], ready for
 * magnitudeToWave: full-rate mel frames interpolated linearly (in the normalised dB domain)
 * between the kept frames 0, r, 2r, …, de-normalised, inverted by NNLS, normalised again.
 */
export function melNormToMagNorm(melNorm: Float32Array, frames: number, cfg: FeatureConfig): Float32Array {
  const { r, n_mels: nMels } = cfg;
  if (melNorm.length !== frames * nMels) throw new Error(`melNormToMagNorm: expected [${frames}, ${nMels}], got ${melNorm.length} values`);
  const rows = r * frames;
  const melAmp = new Float64Array(rows * nMels);
  for (let row = 0; row < rows; row++) {
    const t = Math.floor(row / r);
    const frac = (row % r) / r;
    const next = Math.min(t + 1, frames - 1);
    for (let i = 0; i < nMels; i++) {
      const v = (1 - frac) * melNorm[t * nMels + i] + frac * melNorm[next * nMels + i];
      melAmp[row * nMels + i] = normToAmplitude(v, cfg);
    }
  }
  const lin = melToLinear(melAmp, rows, filterbankOf(cfg));
  return normalizeAmplitudes(lin, cfg, new Float32Array(lin.length));
}
