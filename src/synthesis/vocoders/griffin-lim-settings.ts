// Griffin-Lim iterations and sharpening power when the user names none, shared by the Griffin-Lim
// vocoders: n_fft 512 is the tiny feature size: 32 iterations, and power 1.0 (1.5 cost about 0.2
// WER there); larger FFTs take REF's 50 iterations and power 1.5 (docs/design.md §6.4).
import type { GriffinLimOptions } from '../../audio/griffin-lim.ts';
import type { FeatureConfig } from '../../audio/feature-config.ts';
import { UserError } from '../../errors.ts';
import type { VocoderSetup } from './vocoder.ts';

export function griffinLimDefaults(f: Pick<FeatureConfig, 'n_fft' | 'hop_length'>): Required<GriffinLimOptions> {
  return { ...(f.n_fft <= 512 ? { iters: 32, power: 1.0 } : { iters: 50, power: 1.5 }), hop: f.hop_length };
}

/** The setup's settings over the defaults for its features. */
export function griffinLimSettings(s: VocoderSetup): GriffinLimOptions {
  const d = griffinLimDefaults(s.features);
  const hop = s.griffinLimHop ?? d.hop;
  if (!(Number.isInteger(hop) && hop >= 1 && s.features.hop_length % hop === 0)) {
    throw new UserError(`griffin_lim_hop ${hop} must divide the voice's hop_length ${s.features.hop_length}`);
  }
  return { iters: s.griffinLimIters ?? d.iters, power: s.power ?? d.power, hop };
}

/** For the log; the hop is named only where it is not the features' own. */
export const describeGriffinLim = (gl: GriffinLimOptions, f: Pick<FeatureConfig, 'hop_length'>) =>
  `${gl.iters} Griffin-Lim iterations${gl.hop !== undefined && gl.hop !== f.hop_length ? ` at hop ${gl.hop}` : ''}, power ${gl.power}`;
