// Generated reduced mel → waveform (docs/design.md §6.4): SSRN (dropout off) to the full-rate
// normalised magnitude, or without an SSRN the mel pseudo-inverse (previews); then
// magnitudeToWave (de-normalise, power, Griffin-Lim, de-emphasis, silence trim).
import { tf } from '../models/backend.ts';
import { INFERENCE } from '../models/layers.ts';
import type { Ssrn } from '../models/ssrn.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { magnitudeToWave, type GriffinLimOptions } from '../audio/griffin-lim.ts';
import { melNormToMagNorm } from '../audio/mel-inverse.ts';

/** mel [frames, n_mels] → normalised magnitude [r·frames, n_fft/2+1]. */
export function melToMagnitude(mel: Float32Array, frames: number, cfg: FeatureConfig, ssrn: Ssrn | undefined): Float32Array {
  if (!ssrn) return melNormToMagNorm(mel, frames, cfg);
  const z = tf.tidy(() => ssrn.forward(tf.tensor3d(mel, [1, frames, cfg.n_mels]), INFERENCE).mag); // Z [1, r·frames, F']
  const data = z.dataSync() as Float32Array;
  z.dispose();
  return data;
}

/** Waveform at cfg.sample_rate, silence-trimmed, not yet level-normalised. */
export function melToWave(mel: Float32Array, frames: number, cfg: FeatureConfig, ssrn: Ssrn | undefined, gl: GriffinLimOptions): Float32Array {
  return magnitudeToWave(melToMagnitude(mel, frames, cfg, ssrn), frames, cfg, gl);
}

/** Pieces of one input joined with `pauseSeconds` of silence, peak-normalised to 0.95 (§6.4: 16-bit after normalising). */
export function joinWithPauses(pieces: Float32Array[], sampleRate: number, pauseSeconds: number): Float32Array {
  const pause = Math.round(pauseSeconds * sampleRate);
  const total = pieces.reduce((a, p) => a + p.length, 0) + pause * Math.max(0, pieces.length - 1);
  const out = new Float32Array(total);
  let off = 0;
  pieces.forEach((p, i) => {
    if (i > 0) off += pause;
    out.set(p, off);
    off += p.length;
  });
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0) for (let i = 0; i < out.length; i++) out[i] *= 0.95 / peak;
  return out;
}
