// A voice ready to speak: the Text2Mel (load-voice.ts) and the vocoder loaded for its features
// (vocoders/), with the pause between the pieces of one text. What synthesizeSentences speaks
// with, and what say and serve keep loaded (made from a voice file or a pipeline's cache, src/voice/).
import type { Voice } from './load-voice.ts';
import type { LoadedVocoder, Vocoder, VocoderSetup } from './vocoders/vocoder.ts';

export interface SpeakingVoice {
  /** The Text2Mel and its features. */
  voice: Voice;
  vocoder: LoadedVocoder;
  /** The vocoder's registry name. */
  vocoderName: string;
  pauseSeconds: number;
  /** For the log: "Text2Mel step N; vocoder NAME (its summary); R Hz". */
  summary: string;
  dispose(): void;
}

/** `voice` with `vocoder` loaded for its features; the voice is disposed if the vocoder cannot load. */
export function speakingVoice(voice: Voice, vocoder: Vocoder, setup: Omit<VocoderSetup, 'features'>, pauseSeconds: number): SpeakingVoice {
  let loaded: LoadedVocoder;
  try {
    loaded = vocoder.load({ ...setup, features: voice.features });
  } catch (err) {
    voice.dispose();
    throw err;
  }
  return {
    voice, vocoder: loaded, vocoderName: vocoder.name, pauseSeconds,
    summary: `Text2Mel step ${voice.text2melStep}; vocoder ${vocoder.name} (${loaded.summary}); ${voice.features.sample_rate} Hz`,
    dispose() {
      loaded.dispose();
      voice.dispose();
    },
  };
}
