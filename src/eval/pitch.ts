// Fundamental frequency by the YIN method (de Cheveigné & Kawahara 2002): per frame, the
// cumulative-mean-normalised difference function d'(τ); F0 = sr / (first τ with d'(τ) < threshold,
// refined to its local minimum). Frames that are quiet or have no such τ are unvoiced.
import { frameEnergies, relativeDb } from './frame-energy.ts';

export interface PitchOptions {
  minHz?: number;
  maxHz?: number;
  /** YIN's absolute threshold on d'(τ). */
  threshold?: number;
  /** Frames quieter than this many dB below the loudest frame are skipped. */
  silenceDb?: number;
}

/** F0 in Hz of every voiced 40 ms frame (hop 10 ms). */
export function voicedF0(samples: Float32Array, sampleRate: number, opts: PitchOptions = {}): number[] {
  const { minHz = 60, maxHz = 400, threshold = 0.15, silenceDb = 35 } = opts;
  const frame = Math.round(0.04 * sampleRate);
  const hop = Math.round(0.01 * sampleRate);
  const tauMin = Math.floor(sampleRate / maxHz);
  const tauMax = Math.min(Math.ceil(sampleRate / minHz), frame - 1);
  const levels = relativeDb(frameEnergies(samples, frame, hop));
  const f0: number[] = [];
  const d = new Float64Array(tauMax + 1);
  const window = frame - tauMax;
  levels.forEach((db, k) => {
    if (db < -silenceDb) return;
    const start = k * hop;
    let running = 0;
    for (let tau = 1; tau <= tauMax; tau++) {
      let sum = 0;
      for (let i = 0; i < window; i++) {
        const diff = samples[start + i] - samples[start + i + tau];
        sum += diff * diff;
      }
      running += sum;
      d[tau] = running > 0 ? (sum * tau) / running : 1;
    }
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (d[tau] < threshold) {
        while (tau + 1 <= tauMax && d[tau + 1] < d[tau]) tau++;
        f0.push(sampleRate / tau);
        return;
      }
    }
  });
  return f0;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
