// `evaluate`: judges synthesised speech — recogniser word error rate beside the teacher's, speaker
// similarity for cloning, signal sanity. The work is eval/evaluate-synthesis.ts, imported when the
// step runs.
import type { StepKind } from './contract.ts';
import type { EvaluateParams } from '../eval/evaluate-synthesis.ts';
import type { JsonSchema } from '../util/json-schema.ts';

const paramsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['synthesis'],
  properties: {
    synthesis: { type: 'string', description: 'name of the synthesize step to judge (must be in needs)' },
    reference: { type: 'string', description: "corpus step with the teacher's audio of the same sentences (in needs)" },
    target: { type: 'string', description: 'corpus step of the target speaker (cloning), with base' },
    base: { type: 'string', description: 'corpus step of the base speaker (cloning), with target' },
    speaker_clips: { type: 'integer', minimum: 1, default: 20, description: 'clips per speaker profile' },
    recognizer: { enum: ['pocketsphinx', 'none'], default: 'pocketsphinx', description: 'offline recogniser for WER' },
    stages: { type: 'boolean', default: false, description: "also score the teacher's recordings through part of the voice: teacher-forced Text2Mel → SSRN (its gap to the free-running WER is exposure bias), true mel → SSRN (the vocoder's ceiling) and true magnitude → Griffin-Lim; needs reference, text2mel and ssrn" },
    text2mel: { type: 'string', description: 'the train-text2mel step the synthesis spoke with (in needs), for stages' },
    ssrn: { type: 'string', description: 'the train-ssrn step the synthesis spoke with (in needs), for stages' },
  },
};

export const evaluateStep: StepKind<EvaluateParams> = {
  kind: 'evaluate',
  // 2: evaluation.json names each sentence's teacher utterance (reference_id).
  version: 2,
  description: 'Judge synthesised speech: recogniser WER (vs the teacher), speaker similarity, signal sanity',
  paramsSchema,
  run: async (ctx) => (await import('../eval/evaluate-synthesis.ts')).evaluateSynthesis(ctx),
};
