// `synthesize`: speak sentences with a trained Text2Mel (+ SSRN) — docs/design.md §6. Writes
// wavs/<id>.wav, plots/<id>.alignment.png, plots/<id>.mel.png and synthesis.json (SynthesisIndex);
// reports progress in sentences and the real-time factor (audio seconds / wall seconds).
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic.ts';
import { readSentences, resolveSentenceFile } from '../data/sentence-list.ts';
import { UserError } from '../errors.ts';
import type { StepContext, StepKind } from './contract.ts';
import type { JsonSchema } from '../util/json-schema.ts';
import type { SynthesisIndex } from '../synthesis/synthesis-index.ts';
import { vocoderNames } from '../synthesis/vocoders/registry.ts';

export interface SynthesizeParams {
  /** The train-text2mel step (must be in needs). */
  text2mel: string;
  /** The train-ssrn step (in needs), for the vocoders that use one. */
  ssrn?: string;
  /** A vocoder name (src/synthesis/vocoders/); default: griffin-lim-ssrn with an ssrn, else griffin-lim-mel-inverse. */
  vocoder?: string;
  /** A file of sentences (one per line, relative to the pipeline) or the sentences themselves. */
  sentences: string | string[];
  checkpoint?: 'latest' | 'best' | number;
  max_frames?: number;
  griffin_lim_iters?: number;
  power?: number;
  griffin_lim_hop?: number;
  batch_size?: number;
}

const paramsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['text2mel', 'sentences'],
  properties: {
    text2mel: { type: 'string', description: 'name of the train-text2mel step (must be in needs)' },
    ssrn: { type: 'string', description: 'name of the train-ssrn step (in needs); without it the mel is inverted directly (preview quality)' },
    vocoder: { enum: vocoderNames(), description: 'how mels become sound (default: griffin-lim-ssrn with an ssrn, else griffin-lim-mel-inverse)' },
    sentences: {
      description: 'a text file with one sentence (or paragraph) per line, relative to the pipeline, or a list of sentences',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
    checkpoint: {
      description: 'which checkpoint of both models: latest, best (lowest validation loss) or a step number',
      oneOf: [{ enum: ['latest', 'best'] }, { type: 'integer', minimum: 0 }],
      default: 'latest',
    },
    max_frames: { type: 'integer', minimum: 1, description: "reduced frames per sentence at most (default: the model's max_T)" },
    griffin_lim_iters: { type: 'integer', minimum: 1, description: 'Griffin-Lim iterations (default 32 for n_fft 512 voices, else 50)' },
    power: { type: 'number', exclusiveMinimum: 0, description: 'magnitude sharpening exponent (default 1.0 for n_fft 512, else 1.5; docs/design.md §6.4)' },
    griffin_lim_hop: { type: 'integer', minimum: 1, description: "Griffin-Lim's STFT hop in samples, a divisor of the voice's hop_length; the magnitude frames are interpolated to it (default: hop_length). On the tiny demo voice with a 400-sample window, 100 instead of 200 brought its median F0 from 86 to 98 Hz (the teacher: 103) but cost words: WER 0.265 → 0.338" },
    batch_size: { type: 'integer', minimum: 1, default: 8, description: 'sentences generated together' },
  },
};

function inputDir(ctx: StepContext<SynthesizeParams>, param: 'text2mel' | 'ssrn'): string {
  const step = ctx.params[param]!;
  const dir = ctx.inputs[step];
  if (!dir) throw new UserError(`synthesize: ${param} '${step}' must also be listed in needs`);
  return dir;
}

function sentencesOf(p: SynthesizeParams, projectDir: string): string[] {
  if (Array.isArray(p.sentences)) return p.sentences;
  return readSentences(resolveSentenceFile(p.sentences, projectDir), 'synthesize');
}

async function run(ctx: StepContext<SynthesizeParams>): Promise<void> {
  const { selectBackend } = await import('../models/backend.ts');
  const { synthesizeSentences } = await import('../synthesis/synthesize.ts');
  const p = ctx.params;
  const text2melDir = inputDir(ctx, 'text2mel');
  const ssrnDir = p.ssrn ? inputDir(ctx, 'ssrn') : undefined;
  const sentences = sentencesOf(p, ctx.projectDir);
  await selectBackend(ctx.backend, ctx.log);
  const result = await synthesizeSentences({
    text2melDir, vocoder: p.vocoder, ssrnDir, sentences,
    which: p.checkpoint ?? 'latest',
    maxFrames: p.max_frames,
    griffinLimIters: p.griffin_lim_iters,
    power: p.power,
    griffinLimHop: p.griffin_lim_hop,
    batchSize: p.batch_size ?? 8,
    outDir: ctx.outDir,
    log: ctx.log, warn: ctx.warn,
    onProgress: (done, total) => ctx.progress(done, total, 'sentences'),
  });
  const index: SynthesisIndex = {
    kind: 'synthesis',
    speaker: result.speaker ?? p.text2mel,
    sampleRate: result.sampleRate,
    sentences: result.sentences,
    failed: result.failed,
  };
  writeJsonAtomic(join(ctx.outDir, 'synthesis.json'), index);
  for (const s of result.sentences) {
    ctx.artifact(join(ctx.outDir, s.wav), 'audio', `${s.id}: ${s.text.slice(0, 50)}`);
    if (s.alignmentPng) ctx.artifact(join(ctx.outDir, s.alignmentPng), 'image', `${s.id} attention`);
    if (s.melPng) ctx.artifact(join(ctx.outDir, s.melPng), 'image', `${s.id} mel`);
  }
  if (result.wallSeconds > 0) ctx.metric('rtf', result.audioSeconds / result.wallSeconds);
  ctx.log(`synthesised ${result.sentences.length} of ${sentences.length} sentences, ${result.audioSeconds.toFixed(1)} s of audio in ${result.wallSeconds.toFixed(1)} s (real-time factor ${(result.audioSeconds / result.wallSeconds).toFixed(2)})`);
  if (result.sentences.length === 0) throw new UserError(`synthesize: none of the ${sentences.length} sentences could be spoken (see synthesis.json failed)`);
}

export const synthesize: StepKind<SynthesizeParams> = {
  kind: 'synthesize',
  version: 1,
  description: 'speak sentences with a trained Text2Mel + SSRN: WAVs, attention and mel plots, synthesis.json',
  paramsSchema,
  inputs: (params, projectDir) => (typeof params.sentences === 'string' ? [resolveSentenceFile(params.sentences, projectDir)] : []),
  resources: { cpu: 1 },
  run,
};
