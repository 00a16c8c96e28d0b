// The voice file (`NAME.voice`): one tar holding everything needed to speak with a trained voice
// on any machine and backend, without the pipeline or its cache.
//   manifest.json   first entry: format name and version, vcpipe version, and the byte count and
//                   sha256 of every other part (so truncation and alteration are named exactly)
//   card.json       the model card (ModelCard): who speaks, trained on what, how well
//   voice.json      VoiceSpec: feature config, text front end, the vocoder (its registry name in
//                   src/synthesis/vocoders/ and settings), both networks' architecture configs
//                   and tensor tables
//   text2mel.bin    Text2Mel weights, float32 little-endian in its tensor table's order
//   ssrn.bin        SSRN weights, likewise
import type { FeatureConfig } from '../audio/feature-config.ts';
import type { TensorEntry } from '../models/checkpoint.ts';
import type { SsrnConfig, Text2MelConfig } from '../models/config.ts';

export const VOICE_FORMAT = 'vcpipe-voice';
/** Bumped when a reader of the previous version could not read the file correctly. */
export const VOICE_FORMAT_VERSION = 1;

export const PARTS = ['card.json', 'voice.json', 'text2mel.bin', 'ssrn.bin'] as const;
export type PartName = (typeof PARTS)[number];

export interface VoiceManifest {
  format: typeof VOICE_FORMAT;
  version: number;
  vcpipe: string;
  parts: { name: PartName; bytes: number; sha256: string }[];
}

export interface ModelCard {
  /** Voice name (the file name without .voice unless given). */
  name: string;
  speaker: string;
  corpus: { utterances: number; hours: number } | null;
  /** Training steps of each network; ssrn null where the voice speaks without one (a pipeline's, before an SSRN is trained). */
  steps: { text2mel: number; ssrn: number | null };
  /** Held-out word error rate of the pipeline's evaluate step for this synthesis, when it ran. */
  heldoutWer: number | null;
  /** The pipeline file and synthesize step it was exported from. */
  source: { pipeline: string; step: string };
  vcpipe: string;
  created: string;
}

export interface NetworkSpec<C> {
  config: C;
  step: number;
  tensors: TensorEntry[];
}

export interface VoiceSpec {
  features: FeatureConfig;
  /** Text front end: the symbol vocabulary the Text2Mel was trained on (src/text/vocab.ts). */
  text: { vocab: string };
  /** How its mels become sound: a vocoder of src/synthesis/vocoders/registry.ts and its settings. */
  vocoder: {
    name: string;
    griffinLimIters: number;
    power: number;
    /** Griffin-Lim's hop; absent in files written before it was a setting (they take today's default). */
    griffinLimHop?: number;
  };
  /** Silence between the pieces of one text. */
  pauseSeconds: number;
  text2mel: NetworkSpec<Text2MelConfig>;
  ssrn: NetworkSpec<SsrnConfig>;
}
