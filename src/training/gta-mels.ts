// Ground-truth-aligned (GTA) input mels for an SSRN (param gta; Tacotron 2, Shen et al. 2018,
// trains its vocoder the same way): a trained Text2Mel, teacher-forced on each utterance
// (models/teacher-forcing.ts), predicts the mel the SSRN then learns to render into the true
// magnitudes. The predictions carry the Text2Mel's own blur, time-aligned with the targets, so the
// SSRN learns to render what it is given at synthesis rather than the sharper true mels. Computed
// at the start of every run (one forward pass per utterance, deterministic: a resumed run gets the
// same) and kept in memory. Rehearsed utterances keep their true mels: they are another voice.
import { UserError } from '../errors.ts';
import { readNpy } from '../util/npy.ts';
import { loadVoice } from '../synthesis/load-voice.ts';
import { teacherForcedMel } from '../models/teacher-forcing.ts';
import { featureDifferences, type FeatureConfig } from '../audio/feature-config.ts';
import type { Item, Split } from './dataset.ts';

/** `split` with the Text2Mel `name`'s (one of `inputs`) teacher-forced mels as the input of every own utterance. */
export function withGtaMels(split: Split, inputs: Record<string, string>, name: string, own: FeatureConfig, log: (m: string) => void): Split {
  const dir = inputs[name];
  if (!dir) throw new UserError(`gta: '${name}' is not among this step's needs (${Object.keys(inputs).join(', ')})`);
  const voice = loadVoice(dir, 'latest');
  try {
    const differ = featureDifferences({ ...voice.features }, { ...own });
    if (differ.length) throw new UserError(`gta: '${name}' was trained on other features than this step's (${differ.join(', ')}); train both on the same preprocess step`);
    const started = Date.now();
    const nMels = voice.text2mel.config.nMels;
    const gta = (it: Item): Item => {
      const mel = readNpy(it.melPath).data as Float32Array;
      return { ...it, inputMel: teacherForcedMel(voice.text2mel, it.utt.ids, mel, mel.length / nMels) };
    };
    const out = { ...split, train: split.train.map(gta), validation: split.validation.map(gta) };
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log(`gta: the mels of ${out.train.length + out.validation.length} utterances from ${name} (Text2Mel step ${voice.text2melStep}, teacher-forced) in ${seconds} s`);
    return out;
  } finally {
    voice.dispose();
  }
}
