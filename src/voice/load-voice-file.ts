// A read and verified voice file (read-voice-file.ts) → the loaded networks (synthesis/
// load-voice.ts's Voice) on the current backend, plus its card and vocoder settings. The weights
// go from the file's bytes straight into the model variables. Reading comes first, apart, so a
// damaged file is refused before any backend is started.
import { UserError } from '../errors.ts';
import { assignWeights } from '../models/checkpoint.ts';
import { Ssrn } from '../models/ssrn.ts';
import { Text2Mel } from '../models/text2mel.ts';
import { VOCAB } from '../text/vocab.ts';
import { firstLine } from '../util/error-line.ts';
import type { Voice } from '../synthesis/load-voice.ts';
import type { ModelCard, VoiceManifest, VoiceSpec } from './voice-format.ts';
import type { VoiceFileContents } from './read-voice-file.ts';

export interface LoadedVoiceFile {
  voice: Voice;
  card: ModelCard;
  manifest: VoiceManifest;
  vocoder: VoiceSpec['vocoder'];
}

/** The networks of an already read and verified voice file, built on the current backend. */
export function voiceFromFile(path: string, file: VoiceFileContents): LoadedVoiceFile {
  const { spec } = file;
  if (spec.text.vocab !== VOCAB) {
    throw new UserError(`${path}: the voice was trained on the vocabulary "${spec.text.vocab}", this vcpipe's text front end has "${VOCAB}"`);
  }
  const text2mel = new Text2Mel(spec.text2mel.config);
  const ssrn = new Ssrn(spec.ssrn.config);
  try {
    assignWeights(`${path}: text2mel.bin`, spec.text2mel.tensors, file.text2melWeights, text2mel.store.vars);
    assignWeights(`${path}: ssrn.bin`, spec.ssrn.tensors, file.ssrnWeights, ssrn.store.vars);
  } catch (err) {
    text2mel.store.dispose();
    ssrn.store.dispose();
    throw new UserError(firstLine(err));
  }
  return {
    card: file.card,
    manifest: file.manifest,
    vocoder: spec.vocoder,
    voice: {
      text2mel, ssrn, features: spec.features, text2melStep: spec.text2mel.step, ssrnStep: spec.ssrn.step, speaker: file.card.speaker,
      dispose() {
        text2mel.store.dispose();
        ssrn.store.dispose();
      },
    },
  };
}
