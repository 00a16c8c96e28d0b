// `speech-corpus`: the embedded default corpus. Speaks a shipped sentence list with an offline
// synthesiser (flite or espeak-ng) into LJSpeech layout (metadata.csv + wavs/) plus corpus.json.
// Each clip is cached per (engine, voice, rate, pitch, text), so a rerun or a longer `count`
// only synthesises the sentences not heard before.
import type { StepKind } from './contract.ts';
import { DEFAULT_SENTENCES, resolveSentenceFile } from '../data/sentence-list.ts';
import type { SpeechCorpusParams } from '../data/speak-corpus.ts';

export const speechCorpus: StepKind<SpeechCorpusParams> = {
  kind: 'speech-corpus',
  version: 1,
  description: 'Generate a corpus by speaking a sentence list with flite or espeak-ng (cached per sentence)',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      engine: { enum: ['flite', 'espeak-ng'], default: 'flite', description: 'offline synthesiser' },
      engine_path: { type: 'string', description: 'path of the engine binary (default: looked up on PATH)' },
      voice: { type: 'string', description: "engine voice (default: flite 'rms', espeak-ng 'en')" },
      sentences: {
        type: 'string',
        default: DEFAULT_SENTENCES,
        description: 'sentence list, one per line; relative to the pipeline file, else to the vcpipe repository',
      },
      count: { type: 'integer', minimum: 1, description: 'use only the first N sentences (after offset)' },
      offset: { type: 'integer', minimum: 0, default: 0, description: 'skip this many sentences first' },
      speaker: { type: 'string', description: 'speaker label (default: <engine>-<voice>)' },
      rate: { type: 'number', exclusiveMinimum: 0, description: 'speed factor, 1 = the voice’s own speed' },
      pitch: { type: 'number', description: 'flite: mean F0 in Hz; espeak-ng: 0–99 (50 = default)' },
      workers: { type: 'integer', minimum: 1, description: 'parallel engine processes (default: all cores)' },
      phone_durations: { type: 'boolean', description: "flite only: keep each phone's end time (flite -psdur, same call as the WAV) in corpus.json, for guided_attention: durations (default false)" },
    },
  },
  inputs: (params, projectDir) => [resolveSentenceFile(params.sentences ?? DEFAULT_SENTENCES, projectDir)],
  items: { namespace: 'speech', names: async (params, _inputs, projectDir) => (await import('../data/speak-corpus.ts')).speechItemNames(params, projectDir) },
  run: async (ctx) => (await import('../data/speak-corpus.ts')).speakCorpus(ctx),
};
