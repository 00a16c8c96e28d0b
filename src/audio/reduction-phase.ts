// The reduced mel at another phase (docs/design.md §2.2 step 10 keeps the full-rate rows 0, r, 2r, …
// of the mel): rows k, r + k, 2r + k, … of the same clip, rebuilt from its normalised linear
// magnitude (mag.npy), which holds every full-rate row. Training Text2Mel on a phase picked at
// random per utterance (train-text2mel `reduction_phase: random`) shows the decoder r different
// frame sequences of each clip, one of the exposure-bias remedies of issue 16.
import type { FeatureConfig } from './feature-config.ts';
import { AMPLITUDE_FLOOR, filterbankOf, normalizeAmplitudes } from './features.ts';
import { normToAmplitude } from './griffin-lim.ts';
import { applyMel } from './mel.ts';

/**
 * Reduced normalised mel [frames, n_mels] at phase `k` (0 ≤ k < r) from the normalised magnitude
 * [r·frames, n_fft/2 + 1]. Rows past the clip's end (the magnitude's zero padding) read as silence.
 * Phase 0 matches the stored mel up to the magnitude's floor and clipping.
 */
export function melAtPhase(magNorm: Float32Array, frames: number, k: number, cfg: FeatureConfig): Float32Array {
  if (!(Number.isInteger(k) && k >= 0 && k < cfg.r)) throw new Error(`melAtPhase: phase ${k} outside 0…${cfg.r - 1}`);
  const bins = cfg.n_fft / 2 + 1;
  const rows = magNorm.length / bins;
  const amp = new Float64Array(frames * bins).fill(AMPLITUDE_FLOOR);
  for (let t = 0; t < frames; t++) {
    const row = t * cfg.r + k;
    if (row >= rows) break;
    for (let b = 0; b < bins; b++) amp[t * bins + b] = normToAmplitude(magNorm[row * bins + b], cfg);
  }
  const mel = applyMel(amp, frames, filterbankOf(cfg));
  return normalizeAmplitudes(mel, cfg, new Float32Array(mel.length));
}
