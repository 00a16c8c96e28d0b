// The training feature pipeline of docs/design.md §2.2: trim, pre-emphasis, centred STFT magnitude,
// Slaney mel, dB, normalisation to (0, 1], zero padding to a multiple of r, mel reduction by r.
import type { FeatureConfig } from './feature-config.ts';
import { applyMel, melFilterbank, type MelFilterbank } from './mel.ts';
import { lnInto } from './fast-log.ts';
import { frameCount, stftMagnitude } from './stft.ts';
import { trimSilence } from './trim.ts';

/**
 * Bump when computeFeatures' output for the same input and config changes (part of the cache key);
 * not for last-ulp float32 differences (the table log's), which keep cached features valid.
 */
export const FEATURE_CODE_VERSION = 1;

/** Amplitude floor before the log: 1e-5 = −100 dB (§2.1). */
export const AMPLITUDE_FLOOR = 1e-5;

export interface Features {
  /** Reduced normalised mel, row-major [frames, n_mels]. */
  mel: Float32Array;
  /** Normalised linear magnitude, row-major [r·frames, n_fft/2+1]. */
  mag: Float32Array;
  /** T' = number of reduced mel frames. */
  frames: number;
}

const filterbanks = new Map<string, MelFilterbank>();

/** The (cached) mel filterbank of a feature config. */
export function filterbankOf(cfg: FeatureConfig): MelFilterbank {
  const key = `${cfg.sample_rate}/${cfg.n_fft}/${cfg.n_mels}/${cfg.fmin}/${cfg.fmax}`;
  let fb = filterbanks.get(key);
  if (!fb) filterbanks.set(key, (fb = melFilterbank(cfg.sample_rate, cfg.n_fft, cfg.n_mels, cfg.fmin, cfg.fmax)));
  return fb;
}

/** y[0] = x[0]; y[n] = x[n] − coef·x[n−1]. */
export function preEmphasis(x: ArrayLike<number>, coef: number): Float64Array {
  const y = new Float64Array(x.length);
  if (x.length > 0) y[0] = x[0];
  for (let n = 1; n < x.length; n++) y[n] = x[n] - coef * x[n - 1];
  return y;
}

/**
 * Steps 7–8 on `count` amplitudes: out[i] = clip((20·log10(max(1e-5, a[i])) − ref_db + max_db) / max_db, 1e-8, 1),
 * with the constants folded into one scale (per natural log) and offset. `a` is floored in place.
 */
export function normalizeAmplitudes(a: Float64Array, cfg: FeatureConfig, out: Float32Array, count = a.length): Float32Array {
  const scale = 20 / cfg.max_db / Math.LN10;
  const offset = (cfg.max_db - cfg.ref_db) / cfg.max_db;
  for (let i = 0; i < count; i++) if (!(a[i] > AMPLITUDE_FLOOR)) a[i] = AMPLITUDE_FLOOR;
  lnInto(a, out, count);
  for (let i = 0; i < count; i++) out[i] = Math.min(1, Math.max(1e-8, scale * out[i] + offset));
  return out;
}

/** Features of mono float samples already at cfg.sample_rate (resample first with resample.ts). */
/** T' of a clip of `samples` samples after trimming (what computeFeatures returns as frames). */
export const reducedFrames = (samples: number, cfg: Pick<FeatureConfig, 'hop_length' | 'r'>): number => Math.ceil(frameCount(samples, cfg.hop_length) / cfg.r);

export function computeFeatures(samples: Float32Array, sampleRate: number, cfg: FeatureConfig): Features {
  if (sampleRate !== cfg.sample_rate) {
    throw new Error(`computeFeatures: audio at ${sampleRate} Hz, config expects ${cfg.sample_rate} Hz (resample first)`);
  }
  const trimmed = trimSilence(samples, { topDb: cfg.top_db });
  if (trimmed.length === 0) throw new Error('computeFeatures: empty audio');
  const emphasised = preEmphasis(trimmed, cfg.preemphasis);
  const { mag, frames: full } = stftMagnitude(emphasised, { nFft: cfg.n_fft, hop: cfg.hop_length, winLength: cfg.win_length });
  const r = cfg.r;
  const frames = Math.ceil(full / r);
  const bins = cfg.n_fft / 2 + 1;
  // Step 10 keeps the full-rate rows 0, r, 2r, …, and only those need a mel (before mag is floored).
  const mel = applyMel(mag, frames, filterbankOf(cfg), r);
  const magOut = new Float32Array(frames * r * bins); // rows ≥ full stay zero (step 9)
  normalizeAmplitudes(mag, cfg, magOut, full * bins);
  return { mel: normalizeAmplitudes(mel, cfg, new Float32Array(mel.length)), mag: magOut, frames };
}
