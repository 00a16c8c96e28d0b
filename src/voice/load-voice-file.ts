// A read and verified voice file (read-voice-file.ts) → a voice ready to speak on the current
// backend: its Text2Mel, and the vocoder it names loaded with its settings and its SSRN (through
// the vocoder seam, src/synthesis/vocoders/), plus its card. The weights go from the file's bytes
// straight into the model variables. Reading comes first, apart, so a damaged file is refused
// before any backend is started.
import { UserError } from '../errors.ts';
import { Text2Mel } from '../models/text2mel.ts';
import { vocabOf } from '../text/front-end.ts';
import { withWeightsInMemory } from '../synthesis/load-voice.ts';
import { loadVocoder } from '../synthesis/vocoders/registry.ts';
import { speakingVoice, type SpeakingVoice } from '../synthesis/speaking-voice.ts';
import type { ModelCard } from './voice-format.ts';
import type { VoiceFileContents } from './read-voice-file.ts';

export interface LoadedVoiceFile {
  speaking: SpeakingVoice;
  card: ModelCard;
}

/** The networks of an already read and verified voice file, built on the current backend. */
export async function voiceFromFile(path: string, file: VoiceFileContents): Promise<LoadedVoiceFile> {
  const { spec } = file;
  // The front end (features.text, absent = chars) decides how `say` reads text; its vocabulary must be this vcpipe's.
  const vocab = vocabOf(spec.features.text);
  if (spec.text.vocab !== vocab) {
    throw new UserError(`${path}: the voice was trained on the vocabulary "${spec.text.vocab}", this vcpipe's text front end ${spec.features.text ?? 'chars'} has "${vocab}"`);
  }
  const vocoder = await loadVocoder(spec.vocoder.name); // known: read-voice-file.ts checked it
  const text2mel = withWeightsInMemory(new Text2Mel(spec.text2mel.config), { ...spec.text2mel, weights: file.text2melWeights, label: `${path}: text2mel.bin` });
  const voice = {
    text2mel, features: spec.features, text2melStep: spec.text2mel.step, speaker: file.card.speaker,
    dispose: () => text2mel.store.dispose(),
  };
  const speaking = speakingVoice(voice, vocoder, {
    text2melDir: path,
    ssrnInMemory: { ...spec.ssrn, weights: file.ssrnWeights, label: `${path}: ssrn.bin` },
    griffinLimIters: spec.vocoder.griffinLimIters,
    power: spec.vocoder.power,
    griffinLimHop: spec.vocoder.griffinLimHop,
  }, spec.pauseSeconds);
  return { speaking, card: file.card };
}
