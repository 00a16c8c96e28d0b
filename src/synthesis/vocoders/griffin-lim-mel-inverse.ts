// Mel pseudo-inverse + Griffin-Lim: no trained network beyond the Text2Mel, so a voice can be heard
// before any SSRN exists (training previews). The reduced mel is inverted by non-negative least
// squares (src/audio/mel-inverse.ts), then magnitudeToWave as for the SSRN (docs/design.md §6.4).
// Preview quality.
import { magnitudeToWave } from '../../audio/griffin-lim.ts';
import { melNormToMagNorm } from '../../audio/mel-inverse.ts';
import { describeGriffinLim, griffinLimSettings } from './griffin-lim-settings.ts';
import type { Vocoder } from './vocoder.ts';

export const vocoder: Vocoder = {
  name: 'griffin-lim-mel-inverse',
  load(setup) {
    const gl = griffinLimSettings(setup);
    return {
      summary: `mel pseudo-inverse, ${describeGriffinLim(gl, setup.features)}`,
      melToWave: (mel, frames) => magnitudeToWave(melNormToMagNorm(mel, frames, setup.features), frames, setup.features, gl),
      dispose: () => {},
    };
  },
};
