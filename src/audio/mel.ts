// Slaney mel filterbank (librosa default: htk=False, norm='slaney'), docs/design.md §2.3.
// Computed in float64, stored float32, with the non-zero bin range of each band for sparse products.

const F_SP = 200 / 3; // Hz per mel below 1 kHz (linear part)
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP; // = 15
const LOG_STEP = Math.log(6.4) / 27; // mel step of the log part: 27 mels per factor 6.4

/** Slaney Hz→mel: linear below 1 kHz, logarithmic above. */
export function hzToMel(f: number): number {
  return f < MIN_LOG_HZ ? f / F_SP : MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOG_STEP;
}

/** Inverse of hzToMel. */
export function melToHz(m: number): number {
  return m < MIN_LOG_MEL ? m * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (m - MIN_LOG_MEL));
}

/** The nMels+2 band edge frequencies f_0 … f_{nMels+1}, equally spaced in mel from fmin to fmax. */
export function melBandEdges(nMels: number, fmin: number, fmax: number): Float64Array {
  const lo = hzToMel(fmin);
  const hi = hzToMel(fmax);
  const edges = new Float64Array(nMels + 2);
  for (let i = 0; i < edges.length; i++) edges[i] = melToHz(lo + ((hi - lo) * i) / (nMels + 1));
  return edges;
}

export interface MelFilterbank {
  nMels: number;
  /** n_fft/2 + 1 linear bins. */
  nBins: number;
  /** Row-major [nMels, nBins]. */
  weights: Float32Array;
  /** First non-zero bin of each band. */
  start: Int32Array;
  /** One past the last non-zero bin of each band (start = end for an empty band). */
  end: Int32Array;
}

/** Triangles f_i → f_{i+1} → f_{i+2}, each scaled by 2/(f_{i+2} − f_i) (Slaney area normalisation). */
export function melFilterbank(sampleRate: number, nFft: number, nMels: number, fmin: number, fmax: number): MelFilterbank {
  const nBins = nFft / 2 + 1;
  const f = melBandEdges(nMels, fmin, fmax);
  const weights = new Float32Array(nMels * nBins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let i = 0; i < nMels; i++) {
    const norm = 2 / (f[i + 2] - f[i]);
    let first = -1;
    let last = -1;
    for (let k = 0; k < nBins; k++) {
      const hz = (k * sampleRate) / nFft;
      const w = Math.max(0, Math.min((hz - f[i]) / (f[i + 1] - f[i]), (f[i + 2] - hz) / (f[i + 2] - f[i + 1])));
      if (w > 0) {
        weights[i * nBins + k] = w * norm;
        if (first < 0) first = k;
        last = k;
      }
    }
    start[i] = Math.max(first, 0);
    end[i] = first < 0 ? 0 : last + 1;
  }
  return { nMels, nBins, weights, start, end };
}

/**
 * M[t, i] = Σ_k mag[t·rowStep, k]·W[i, k] for a row-major [·, nBins] magnitude (float64 accumulation):
 * `frames` output rows, from every rowStep-th input row.
 */
export function applyMel(mag: Float64Array, frames: number, fb: MelFilterbank, rowStep = 1): Float64Array {
  const { nMels, nBins, weights, start, end } = fb;
  const out = new Float64Array(frames * nMels);
  for (let t = 0; t < frames; t++) {
    const row = t * rowStep * nBins;
    for (let i = 0; i < nMels; i++) {
      let acc = 0;
      const wRow = i * nBins;
      for (let k = start[i]; k < end[i]; k++) acc += mag[row + k] * weights[wRow + k];
      out[t * nMels + i] = acc;
    }
  }
  return out;
}
