// Centred STFT / ISTFT (librosa conventions, docs/design.md §2.2 step 4 and §6.4) on fft.js.
// Spectra are row-major [frames, nFft/2+1] float64 arrays.
import FFT from 'fft.js';

export interface StftParams {
  nFft: number;
  hop: number;
  winLength: number;
}

const ffts = new Map<number, FFT>();
const windows = new Map<string, Float64Array>();

function fftOf(n: number): FFT {
  let f = ffts.get(n);
  if (!f) ffts.set(n, (f = new FFT(n)));
  return f;
}

/** First sample of the window centred in nFft (librosa pad_center): zeros before it and after left + winLength. */
const windowStart = (winLength: number, nFft: number) => Math.floor((nFft - winLength) / 2);

/** Periodic Hann of winLength (w[n] = 0.5 − 0.5·cos(2πn/winLength)), zero-padded centred into nFft (librosa pad_center). */
export function centredWindow(winLength: number, nFft: number): Float64Array {
  if (winLength > nFft) throw new Error(`window length ${winLength} exceeds n_fft ${nFft}`);
  const w = new Float64Array(nFft);
  const left = windowStart(winLength, nFft);
  for (let n = 0; n < winLength; n++) w[left + n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / winLength);
  return w;
}

function windowOf(winLength: number, nFft: number): Float64Array {
  const key = `${winLength}/${nFft}`;
  let w = windows.get(key);
  if (!w) windows.set(key, (w = centredWindow(winLength, nFft)));
  return w;
}

/** Number of centred frames: 1 + floor(length / hop). */
export function frameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop);
}

/** Reflect padding without repeating the edge (numpy 'reflect', x[−k] = x[k]), mirrored repeatedly if pad ≥ length. */
export function reflectPad(x: ArrayLike<number>, pad: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2 * pad);
  const period = 2 * (n - 1);
  for (let j = 0; j < out.length; j++) {
    if (n === 1) {
      out[j] = x[0];
      continue;
    }
    let i = (((j - pad) % period) + period) % period;
    if (i >= n) i = period - i;
    out[j] = x[i];
  }
  return out;
}

/** Calls visit(m, spectrum) with the interleaved complex half spectrum (bins 0…nFft/2) of each windowed centred frame. */
function forEachSpectrum(x: ArrayLike<number>, p: StftParams, visit: (m: number, spec: Float64Array) => void): number {
  if (x.length === 0) throw new Error('STFT of an empty signal');
  const { nFft, hop } = p;
  const padded = reflectPad(x, nFft / 2);
  const w = windowOf(p.winLength, nFft);
  const frames = frameCount(x.length, hop);
  const fft = fftOf(nFft);
  const frame = new Float64Array(nFft);
  const spec = new Float64Array(2 * nFft);
  // The window is zero outside [lo, hi): those frame samples stay 0.
  const lo = windowStart(p.winLength, nFft), hi = lo + p.winLength;
  for (let m = 0; m < frames; m++) {
    const off = m * hop;
    for (let j = lo; j < hi; j++) frame[j] = padded[off + j] * w[j];
    fft.realTransform(spec, frame);
    visit(m, spec);
  }
  return frames;
}

/** Magnitude |X| of the centred STFT, [frames, nFft/2+1]. */
export function stftMagnitude(x: ArrayLike<number>, p: StftParams): { mag: Float64Array; frames: number } {
  const bins = p.nFft / 2 + 1;
  const mag = new Float64Array(frameCount(x.length, p.hop) * bins);
  const frames = forEachSpectrum(x, p, (m, spec) => {
    for (let k = 0; k < bins; k++) mag[m * bins + k] = Math.sqrt(spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]); // Math.hypot is several times slower in V8
  });
  return { mag, frames };
}

/** Complex centred STFT, real and imaginary parts [frames, nFft/2+1]. */
export function stft(x: ArrayLike<number>, p: StftParams): { re: Float64Array; im: Float64Array; frames: number } {
  const bins = p.nFft / 2 + 1;
  const size = frameCount(x.length, p.hop) * bins;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const frames = forEachSpectrum(x, p, (m, spec) => {
    for (let k = 0; k < bins; k++) {
      re[m * bins + k] = spec[2 * k];
      im[m * bins + k] = spec[2 * k + 1];
    }
  });
  return { re, im, frames };
}

/**
 * Inverse of stft: windowed overlap-add divided by the overlap-added squared window where that sum
 * is not tiny, centre padding removed; output length hop·(frames − 1). Two real frames go through
 * one complex inverse FFT (frame a in the real part, frame b in the imaginary part).
 */
export function istft(re: Float64Array, im: Float64Array, frames: number, p: StftParams): Float64Array {
  const { nFft, hop } = p;
  const bins = nFft / 2 + 1;
  const w = windowOf(p.winLength, nFft);
  const fft = fftOf(nFft);
  const full = new Float64Array(nFft + hop * (frames - 1));
  const wsum = new Float64Array(full.length);
  const z = new Float64Array(2 * nFft);
  const out = new Float64Array(2 * nFft);
  for (let m = 0; m < frames; m += 2) {
    const a = m * bins;
    const b = m + 1 < frames ? (m + 1) * bins : -1;
    for (let k = 0; k < bins; k++) {
      const edge = k === 0 || k === nFft / 2; // irfft ignores the imaginary part of DC and Nyquist
      const ar = re[a + k];
      const ai = edge ? 0 : im[a + k];
      const br = b < 0 ? 0 : re[b + k];
      const bi = b < 0 || edge ? 0 : im[b + k];
      z[2 * k] = ar - bi; // Z[k] = A[k] + i·B[k]
      z[2 * k + 1] = ai + br;
      if (!edge) {
        z[2 * (nFft - k)] = ar + bi; // Z[n−k] = conj(A[k]) + i·conj(B[k])
        z[2 * (nFft - k) + 1] = br - ai;
      }
    }
    fft.inverseTransform(out, z);
    for (let j = 0; j < nFft; j++) {
      full[m * hop + j] += out[2 * j] * w[j];
      wsum[m * hop + j] += w[j] * w[j];
      if (b >= 0) {
        full[(m + 1) * hop + j] += out[2 * j + 1] * w[j];
        wsum[(m + 1) * hop + j] += w[j] * w[j];
      }
    }
  }
  const half = nFft / 2;
  const y = new Float64Array(hop * (frames - 1));
  for (let i = 0; i < y.length; i++) {
    const s = wsum[i + half];
    y[i] = s > 1.1754943508222875e-38 ? full[i + half] / s : full[i + half]; // float32 tiny, as librosa
  }
  return y;
}
