// Signal sanity of a synthesised clip: what a listener notices before intelligibility —
// speaking rate, long silences, clipped samples.
import { frameEnergies, relativeDb } from './frame-energy.ts';

export interface SignalSanity {
  seconds: number;
  /** Seconds of audio per character of text (flite's rms voice speaks ≈ 0.06–0.08). */
  secondsPerChar: number;
  /** Share of 20 ms frames more than 40 dB below the loudest frame. */
  silenceShare: number;
  /** Share of samples at or beyond 0.999 of full scale. */
  clippingShare: number;
}

export function signalSanity(samples: Float32Array, sampleRate: number, text: string): SignalSanity {
  const frame = Math.max(1, Math.round(0.02 * sampleRate));
  const levels = relativeDb(frameEnergies(samples, frame, frame));
  const silent = levels.filter((db) => db < -40).length;
  let clipped = 0;
  for (const v of samples) if (Math.abs(v) >= 0.999) clipped++;
  const seconds = samples.length / sampleRate;
  return {
    seconds,
    secondsPerChar: seconds / Math.max(1, text.trim().length),
    silenceShare: levels.length ? silent / levels.length : 1,
    clippingShare: samples.length ? clipped / samples.length : 0,
  };
}
