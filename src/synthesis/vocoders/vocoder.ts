// The vocoder seam: whatever turns a generated reduced mel into a waveform. Each vocoder is one
// file in this folder exporting `vocoder`, listed by one line in registry.ts; synthesis,
// training previews, the synthesize step, voice files, `say` and `serve` only ever talk to this interface.
import type { FeatureConfig } from '../../audio/feature-config.ts';
import type { SsrnConfig } from '../../models/config.ts';
import type { CheckpointChoice, NetworkInMemory } from '../load-voice.ts';

/** What a vocoder is loaded with; settings left undefined take the vocoder's own defaults. */
export interface VocoderSetup {
  /** The features of the Text2Mel whose mels it speaks. */
  features: FeatureConfig;
  /** Where the Text2Mel came from, for messages. */
  text2melDir: string;
  /** A train-ssrn step output, for the vocoders that use one. */
  ssrnDir?: string;
  /** Its checkpoint (default latest). */
  ssrnWhich?: CheckpointChoice;
  /** An SSRN already in memory, used in place of ssrnDir (its features are the Text2Mel's). */
  ssrnInMemory?: NetworkInMemory<SsrnConfig>;
  griffinLimIters?: number;
  power?: number;
  /** Griffin-Lim's STFT hop, a divisor of the features' (griffin-lim-settings.ts has the default). */
  griffinLimHop?: number;
}

export interface LoadedVocoder {
  /** For the log: what speaks, with its settings (e.g. "SSRN step 300, 32 Griffin-Lim iterations, power 1"). */
  summary: string;
  /** Reduced normalised mel [frames, n_mels] → waveform at the features' sample rate, silence-trimmed, not level-normalised. */
  melToWave(mel: Float32Array, frames: number): Float32Array;
  dispose(): void;
}

export interface Vocoder {
  name: string;
  load(setup: VocoderSetup): LoadedVocoder;
}
