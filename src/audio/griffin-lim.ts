// From a normalised linear magnitude to a waveform (docs/design.md §6.4): de-normalise, sharpen by a
// power, Griffin-Lim phase reconstruction, de-emphasis, silence trimming.
import type { FeatureConfig } from './feature-config.ts';
import { istft, stft, stftMagnitude, type StftParams } from './stft.ts';
import { trimSilence } from './trim.ts';

export interface GriffinLimOptions {
  /** Griffin-Lim iterations (§2.1: 50; tiny: 8 for tests, 32 for demos). */
  iters: number;
  /** Sharpening exponent applied to the amplitude (§2.1: 1.5; 1.0 is better at n_fft 512). */
  power: number;
  /**
   * Griffin-Lim's own STFT hop in samples: the features' hop, or a divisor of it, in which case
   * the magnitude frames are interpolated linearly in time to that hop first (magnitudesAtHop).
   * Absent: the features' hop.
   */
  hop?: number;
}

export function stftParamsOf(cfg: FeatureConfig): StftParams {
  return { nFft: cfg.n_fft, hop: cfg.hop_length, winLength: cfg.win_length };
}

/** Inverse of the §2.2 normalisation: amplitude = 10^((clip(v, 0, 1)·max_db − max_db + ref_db) / 20). */
export function normToAmplitude(v: number, cfg: FeatureConfig): number {
  return 10 ** ((Math.min(1, Math.max(0, v)) * cfg.max_db - cfg.max_db + cfg.ref_db) / 20);
}

/**
 * Momentum of the fast Griffin-Lim (Perraudin, Balazs & Søndergaard 2013, "A fast Griffin-Lim
 * algorithm"; librosa's default too). At the tiny features' 50% frame overlap, plain Griffin-Lim
 * leaves the phase so inconsistent that a pitch tracker finds a voice in a quarter as many
 * frames and reads it 4 semitones low (82 Hz for flite's 103 Hz on the teacher's own magnitudes);
 * with momentum 0.99 the same 32 iterations reach 109 Hz, 4× the voiced frames and spectral
 * convergence 0.061 instead of 0.091 (better than 100 plain iterations), at the same cost
 * (docs/benchmarks.md, "Voice recipe").
 */
export const GRIFFIN_LIM_MOMENTUM = 0.99;

/**
 * Fast Griffin-Lim from a magnitude S [frames, nFft/2+1]: X₀ = S (zero phase), T₀ = 0; iters ×
 * { E = STFT(ISTFT(X)); T = S ⊙ E / max(1e-8, |E|); X = T + momentum·(T − T_prev) }; returns
 * ISTFT(T) (length hop·(frames − 1)). Momentum 0 is the original Griffin-Lim.
 */
export function griffinLim(S: Float64Array, frames: number, p: StftParams, iters: number, momentum = GRIFFIN_LIM_MOMENTUM): Float64Array {
  const re = Float64Array.from(S);
  const im = new Float64Array(S.length);
  let tRe = Float64Array.from(S);
  let tIm = new Float64Array(S.length);
  let prevRe = new Float64Array(S.length);
  let prevIm = new Float64Array(S.length);
  for (let it = 0; it < iters; it++) {
    const e = stft(istft(re, im, frames, p), p);
    [prevRe, tRe] = [tRe, prevRe];
    [prevIm, tIm] = [tIm, prevIm];
    for (let i = 0; i < S.length; i++) {
      const scale = S[i] / Math.max(1e-8, Math.sqrt(e.re[i] * e.re[i] + e.im[i] * e.im[i]));
      tRe[i] = e.re[i] * scale;
      tIm[i] = e.im[i] * scale;
      // The first step has no previous projection to run on from.
      const m = it === 0 ? 0 : momentum;
      re[i] = tRe[i] + m * (tRe[i] - prevRe[i]);
      im[i] = tIm[i] + m * (tIm[i] - prevIm[i]);
    }
  }
  return iters === 0 ? istft(re, im, frames, p) : istft(tRe, tIm, frames, p);
}

/** ‖S − |STFT(x)|‖_F / ‖S‖_F: how far the signal's magnitude is from the target (0 = consistent). */
export function spectralConvergence(S: Float64Array, x: Float64Array, p: StftParams): number {
  const { mag } = stftMagnitude(x, p);
  if (mag.length !== S.length) throw new Error(`spectralConvergence: ${mag.length / (p.nFft / 2 + 1)} frames, target has ${S.length / (p.nFft / 2 + 1)}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < S.length; i++) {
    num += (S[i] - mag[i]) ** 2;
    den += S[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** De-emphasis, the IIR inverse of pre-emphasis: y[n] = x[n] + coef·y[n−1], y[−1] = 0. */
export function deEmphasis(x: ArrayLike<number>, coef: number): Float64Array {
  const y = new Float64Array(x.length);
  let prev = 0;
  for (let n = 0; n < x.length; n++) prev = y[n] = x[n] + coef * prev;
  return y;
}

/**
 * Amplitudes [rows, bins] at hop `hop` → the same signal's amplitudes at hop hop/k, [(rows − 1)·k + 1,
 * bins], each new frame the linear interpolation of its two neighbours (frame t/k lies between
 * rows ⌊t/k⌋ and ⌊t/k⌋ + 1). The waveform's length hop·(rows − 1) is unchanged.
 */
export function magnitudesAtHop(S: Float64Array, rows: number, bins: number, k: number): Float64Array {
  if (k === 1) return S;
  const out = new Float64Array(((rows - 1) * k + 1) * bins);
  for (let t = 0; t < (rows - 1) * k + 1; t++) {
    const a = Math.floor(t / k);
    const b = Math.min(rows - 1, a + 1);
    const w = (t - a * k) / k;
    for (let j = 0; j < bins; j++) out[t * bins + j] = (1 - w) * S[a * bins + j] + w * S[b * bins + j];
  }
  return out;
}

/** Waveform at cfg.sample_rate from a normalised magnitude [r·frames, n_fft/2+1] (frames = T', as in features.json). */
export function magnitudeToWave(magNorm: Float32Array, frames: number, cfg: FeatureConfig, opts: GriffinLimOptions): Float32Array {
  const bins = cfg.n_fft / 2 + 1;
  const rows = cfg.r * frames;
  if (magNorm.length !== rows * bins) {
    throw new Error(`magnitudeToWave: expected [${rows}, ${bins}] = ${rows * bins} values for ${frames} reduced frames, got ${magNorm.length}`);
  }
  const hop = opts.hop ?? cfg.hop_length;
  const k = cfg.hop_length / hop;
  if (!Number.isInteger(k) || k < 1) throw new Error(`magnitudeToWave: Griffin-Lim hop ${hop} does not divide the features' hop ${cfg.hop_length}`);
  const amplitude = new Float64Array(magNorm.length);
  for (let i = 0; i < amplitude.length; i++) amplitude[i] = normToAmplitude(magNorm[i], cfg) ** opts.power;
  const S = magnitudesAtHop(amplitude, rows, bins, k);
  const x = griffinLim(S, (rows - 1) * k + 1, { ...stftParamsOf(cfg), hop }, opts.iters);
  const y = Float32Array.from(deEmphasis(x, cfg.preemphasis));
  return trimSilence(y, { topDb: cfg.top_db });
}
