// Griffin-Lim iterations and sharpening power when the user names none, shared by the Griffin-Lim
// vocoders: n_fft 512 is the tiny feature size: 32 iterations, and power 1.0 (1.5 cost about 0.2
// WER there); larger FFTs take REF's 50 iterations and power 1.5 (docs/design.md §6.4).
import type { GriffinLimOptions } from '../../audio/griffin-lim.ts';
import type { VocoderSetup } from './vocoder.ts';

export function griffinLimDefaults(nFft: number): GriffinLimOptions {
  return nFft <= 512 ? { iters: 32, power: 1.0 } : { iters: 50, power: 1.5 };
}

/** The setup's settings over the defaults for its features. */
export function griffinLimSettings(s: VocoderSetup): GriffinLimOptions {
  const d = griffinLimDefaults(s.features.n_fft);
  return { iters: s.griffinLimIters ?? d.iters, power: s.power ?? d.power };
}

export const describeGriffinLim = (gl: GriffinLimOptions) => `${gl.iters} Griffin-Lim iterations, power ${gl.power}`;
