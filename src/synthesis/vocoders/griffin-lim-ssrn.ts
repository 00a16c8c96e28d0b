// SSRN + Griffin-Lim (docs/design.md §6.4): the trained SSRN (dropout off) turns the reduced mel into
// the full-rate normalised magnitude, then magnitudeToWave (de-normalise, power, Griffin-Lim,
// de-emphasis, silence trim). The SSRN must have been trained on the Text2Mel's features. It comes
// from a train-ssrn output (ssrnDir), or from memory (a voice file's, checked at export).
import { tf } from '../../models/backend.ts';
import { INFERENCE } from '../../models/layers.ts';
import { Ssrn } from '../../models/ssrn.ts';
import { magnitudeToWave } from '../../audio/griffin-lim.ts';
import { UserError } from '../../errors.ts';
import { featureDifferences, type FeatureConfig } from '../../audio/feature-config.ts';
import { loadTrainedNetwork, withWeightsInMemory } from '../load-voice.ts';
import { describeGriffinLim, griffinLimSettings } from './griffin-lim-settings.ts';
import type { Vocoder, VocoderSetup } from './vocoder.ts';

// The keys that shape the SSRN's input and output; the text front end and trimming do not.
const FEATURE_KEYS = ['sample_rate', 'n_fft', 'hop_length', 'win_length', 'n_mels', 'r', 'ref_db', 'max_db', 'preemphasis'] as const;
const shapingKeys = (f: FeatureConfig) => Object.fromEntries(FEATURE_KEYS.map((k) => [k, f[k]]));

/** The SSRN of the setup, from memory or its training output, and its training step. */
function loadSsrn(setup: VocoderSetup): { ssrn: Ssrn; step: number } {
  if (setup.ssrnInMemory) return { ssrn: withWeightsInMemory(new Ssrn(setup.ssrnInMemory.config), setup.ssrnInMemory), step: setup.ssrnInMemory.step };
  if (!setup.ssrnDir) throw new UserError(`the ${vocoder.name} vocoder needs a trained SSRN (ssrn: a train-ssrn step)`);
  const s = loadTrainedNetwork(setup.ssrnDir, 'ssrn', setup.ssrnWhich ?? 'latest');
  const differ = featureDifferences(shapingKeys(s.trained.features), shapingKeys(setup.features));
  if (differ.length) {
    s.trained.model.store.dispose();
    throw new UserError(`the SSRN (${setup.ssrnDir}) was trained on other features than the Text2Mel (${setup.text2melDir}): ${differ.join(', ')}`);
  }
  return { ssrn: s.trained.model, step: s.trained.step };
}

export const vocoder: Vocoder = {
  name: 'griffin-lim-ssrn',
  load(setup) {
    const gl = griffinLimSettings(setup); // first: bad settings are refused before the SSRN loads
    const { ssrn, step } = loadSsrn(setup);
    const cfg = setup.features;
    return {
      summary: `SSRN step ${step}, ${describeGriffinLim(gl, cfg)}`,
      melToWave(mel, frames) {
        const z = tf.tidy(() => ssrn.forward(tf.tensor3d(mel, [1, frames, cfg.n_mels]), INFERENCE).mag); // Z [1, r·frames, F']
        const magnitude = z.dataSync() as Float32Array;
        z.dispose();
        return magnitudeToWave(magnitude, frames, cfg, gl);
      },
      dispose: () => ssrn.store.dispose(),
    };
  },
};
