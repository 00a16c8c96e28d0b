// The `with:` block shared by train-text2mel and train-ssrn, its JSON Schema, and its values
// with the defaults (training/defaults.ts) filled in.
import type { JsonSchema } from '../util/json-schema.ts';
import type { LrScheduleName } from '../models/schedule.ts';
import { TRAIN_DEFAULTS } from './defaults.ts';

const D = TRAIN_DEFAULTS.default;
const T = TRAIN_DEFAULTS.tiny;

export interface TrainParams {
  /** tiny | default | overrides on a base ({ base: tiny, d: 32, ... }). Default: matches the features. */
  config?: 'tiny' | 'default' | Record<string, unknown>;
  steps?: number;
  batch_size?: number;
  lr?: number;
  warmup?: number;
  lr_schedule?: LrScheduleName;
  checkpoint_every?: number;
  keep_checkpoints?: number;
  plot_every?: number;
  log_every?: number;
  validation?: number;
  seed?: number;
  init_from?: string;
  freeze?: string[];
  rehearse?: string;
  rehearse_share?: number;
  crop_frames?: number;
  gta?: string;
  align_by?: number;
  on_no_alignment?: 'warn' | 'stop';
  finetune_steps?: number;
  guided_attention?: 'per_utterance' | 'ref' | 'durations';
  guide_width?: number;
  decoder_input_noise?: number;
  decoder_input_dropout?: number;
  reduction_phase?: 'first' | 'random';
  preview?: string[];
  preview_every?: number;
  preview_ssrn?: string;
}

export interface ResolvedTrainParams {
  steps: number;
  batchSize: number;
  lr: number;
  warmup: number;
  lrSchedule: LrScheduleName;
  checkpointEvery: number;
  keepCheckpoints: number;
  plotEvery: number;
  logEvery: number;
  validation: number;
  seed: number;
  initFrom?: string;
  freeze: string[];
  rehearse?: string;
  rehearseShare: number;
  cropFrames: number;
  gta?: string;
  alignBy: number;
  onNoAlignment: 'warn' | 'stop';
  finetuneSteps: number;
  guidedAttention: 'per_utterance' | 'ref' | 'durations';
  guideWidth?: number;
  decoderInputNoise: number;
  decoderInputDropout: number;
  reductionPhase: 'first' | 'random';
  preview: string[];
  previewEvery: number;
  previewSsrn?: string;
}

/** Default share of a batch that rehearses (params rehearse_share). */
const REHEARSE_SHARE = 0.25;

const posInt = (description: string): JsonSchema => ({ type: 'integer', minimum: 1, description });

export function trainParamsSchema(network: 'text2mel' | 'ssrn'): JsonSchema {
  const props: Record<string, JsonSchema> = {
    config: {
      description: 'model size: tiny, default, or an object of overrides ({ base: tiny, d: 32 }); default: the size matching the features. The Text2Mel vocab and the SSRN output bins (fBins) follow the features unless named',
      oneOf: [{ enum: ['tiny', 'default'] }, { type: 'object' }],
    },
    steps: posInt(`total training steps (a budget: raising it continues the run; default ${D.steps}; tiny ${T.steps})`),
    batch_size: posInt(`utterances per batch (default ${D.batchSize}; tiny ${T.batchSize})`),
    lr: { type: 'number', exclusiveMinimum: 0, description: `peak learning rate η0 of the schedule (default ${D.lr})` },
    warmup: posInt(`warm-up steps of the learning-rate schedule (default ${D.warmup}; tiny ${T.warmup})`),
    lr_schedule: { enum: ['noam', 'linear-decay'], description: 'learning rate after warm-up: noam (decays as 1/√step, default) or linear-decay (a straight line to zero at the steps budget)' },
    checkpoint_every: posInt(`steps between checkpoints (default ${D.checkpointEvery})`),
    keep_checkpoints: posInt(`checkpoints kept besides the best one (default ${D.keepCheckpoints})`),
    plot_every: posInt(`steps between plots (default ${D.plotEvery})`),
    log_every: posInt(`steps between logged metrics and validation (default ${D.logEvery})`),
    validation: { type: 'integer', minimum: 0, description: `held-out utterances for validation (default ${D.validation})` },
    seed: { type: 'integer', description: `seed of batching, dropout, crops and init (default ${D.seed})` },
    init_from: { type: 'string', description: 'name of an upstream training step (in needs) whose weights start this run' },
    freeze: { type: 'array', items: { type: 'string' }, description: 'layer name prefixes that get no updates, e.g. TextEnc or Text2Mel/AudioDec/HC_7' },
    rehearse: { type: 'string', description: "name of a preprocess step (in needs) whose utterances are mixed into every training batch: a fine-tune keeps what it learned from them. The networks have no speaker input, so in a Text2Mel rehearse the same voice (a voice continued on new recordings): another speaker's utterances blend the two voices. An SSRN follows the mel it is given, so a clone's SSRN can rehearse the base speaker (beside gta it cost words: docs/benchmarks.md, \"The clone\")" },
    rehearse_share: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: `with rehearse: share of each training batch drawn from it (default ${REHEARSE_SHARE}); validation uses the step's own data only` },
    finetune_steps: { type: 'integer', minimum: 0, description: `when the dataset changed under a run that resumes or warm-starts (vcpipe watch), train this many steps past its checkpoint (default ${D.finetuneSteps})` },
  };
  if (network === 'text2mel') {
    props.align_by = posInt(`step by which the attention must be diagonal (default ${D.alignBy}; tiny ${T.alignBy})`);
    props.on_no_alignment = { enum: ['warn', 'stop'], description: 'what to do when attention is not diagonal by align_by (default warn)' };
    props.guided_attention = { enum: ['per_utterance', 'ref', 'durations'], description: "guided attention weights: per utterance (the diagonal, default), REF's fixed grid, or durations (a narrow guide along the teacher's phone timing; needs text: phones features of a corpus with phone_durations, else the diagonal per utterance)" };
    props.guide_width = { type: 'number', exclusiveMinimum: 0, description: 'guided_attention: durations — σ of the guide in symbols (default 2)' };
    props.decoder_input_noise = { type: 'number', minimum: 0, description: 'σ of Gaussian noise added to the teacher-forced decoder input frames in training (against exposure bias; default 0)' };
    props.decoder_input_dropout = { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'share of teacher-forced decoder input frames zeroed in training (against exposure bias; default 0)' };
    props.reduction_phase = { enum: ['first', 'random'], description: 'which of the r full-rate frames each reduced mel frame is: the first (default, as the features store it) or, in training batches, a phase drawn per utterance (against exposure bias; built from the magnitudes)' };
    props.preview = { type: 'array', items: { type: 'string' }, description: 'sentences spoken at checkpoints (previews/step-N/*.wav), to hear the voice improving' };
    props.preview_every = posInt(`checkpoints between previews (default ${D.previewEvery}: every checkpoint)`);
    props.preview_ssrn = { type: 'string', description: 'a finished SSRN training step (in needs) for previews; default: the mel pseudo-inverse' };
  } else {
    props.crop_frames = posInt(`reduced frames per training crop (default ${D.cropFrames}; tiny ${T.cropFrames})`);
    props.gta = { type: 'string', description: "a finished train-text2mel step (in needs) on the same features: the SSRN learns from its teacher-forced (ground-truth-aligned) mels instead of the true ones, so it renders the Text2Mel's real output, blur included (Tacotron 2's GTA training); rehearsed utterances keep their true mels" };
  }
  return { type: 'object', additionalProperties: false, properties: props };
}

export function resolveTrainParams(p: TrainParams, tiny: boolean): ResolvedTrainParams {
  const d = tiny ? T : D;
  return {
    steps: p.steps ?? d.steps,
    batchSize: p.batch_size ?? d.batchSize,
    lr: p.lr ?? d.lr,
    warmup: p.warmup ?? d.warmup,
    lrSchedule: p.lr_schedule ?? 'noam',
    checkpointEvery: p.checkpoint_every ?? d.checkpointEvery,
    keepCheckpoints: p.keep_checkpoints ?? d.keepCheckpoints,
    plotEvery: p.plot_every ?? d.plotEvery,
    logEvery: p.log_every ?? d.logEvery,
    validation: p.validation ?? d.validation,
    seed: p.seed ?? d.seed,
    initFrom: p.init_from,
    freeze: p.freeze ?? [],
    rehearse: p.rehearse,
    rehearseShare: p.rehearse_share ?? REHEARSE_SHARE,
    cropFrames: p.crop_frames ?? d.cropFrames,
    gta: p.gta,
    alignBy: p.align_by ?? d.alignBy,
    onNoAlignment: p.on_no_alignment ?? 'warn',
    finetuneSteps: p.finetune_steps ?? d.finetuneSteps,
    guidedAttention: p.guided_attention ?? 'per_utterance',
    guideWidth: p.guide_width,
    decoderInputNoise: p.decoder_input_noise ?? 0,
    decoderInputDropout: p.decoder_input_dropout ?? 0,
    reductionPhase: p.reduction_phase ?? 'first',
    preview: p.preview ?? [],
    previewEvery: p.preview_every ?? d.previewEvery,
    previewSsrn: p.preview_ssrn,
  };
}
