// JSON Schema of a pipeline file. The loader validates the structure with `pipelineSchema()`;
// `editorPipelineSchema()` adds each step kind's `with:` schema for editors (written to
// schemas/pipeline.schema.json by `npm run schemas`).
import type { JsonSchema } from '../util/json-schema.ts';
import { BACKEND_NAMES } from '../models/backend-names.ts';

const resources: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cpu: { type: 'integer', minimum: 1, description: 'CPU slots' },
    gpu: { type: 'integer', minimum: 0, description: 'GPU slots' },
  },
};

const STEP_NAME = '^[A-Za-z_][A-Za-z0-9_-]*$';

export function pipelineSchema(stepExtras: JsonSchema = {}): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'vcpipe pipeline',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'steps'],
    properties: {
      name: { type: 'string', pattern: STEP_NAME, description: 'pipeline name (names its run snapshot)' },
      backend: { enum: [...BACKEND_NAMES], default: 'auto', description: 'tensor backend for model steps' },
      params: { type: 'object', description: 'shared values, referenced as ${params.x}' },
      resources: { ...resources, description: 'limits for all steps running at once' },
      executor: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        description: 'where steps run; `vcpipe run --executor/--redis/--store/--attempts/--shards` override it',
        properties: {
          type: { enum: ['local', 'bullmq'], description: 'local: child processes here; bullmq: `vcpipe worker`s through Redis' },
          redis: { type: 'string', pattern: '^redis://', description: 'redis://host:port (bullmq)' },
          store: { type: 'string', description: 'store every machine reaches: file:///path or a path' },
          attempts: { type: 'integer', minimum: 1, description: 'tries of a step that crashes on a worker (default 3)' },
          shards: { type: 'integer', minimum: 1, description: 'jobs that preprocess and speech-corpus are split into (bullmq; default: one per worker)' },
        },
      },
      timeout: { type: 'integer', minimum: 1, description: 'seconds the whole run may take (an exported Argo workflow\'s activeDeadlineSeconds)' },
      steps: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: STEP_NAME },
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { type: 'string', description: 'step kind (see `vcpipe validate --help`)' },
            needs: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'steps that must finish first' },
            with: { type: 'object', description: "the step kind's params" },
            resources: { ...resources, description: 'what one running instance occupies' },
          },
          ...stepExtras,
        },
      },
    },
  };
}

export function editorPipelineSchema(kinds: string[]): JsonSchema {
  return pipelineSchema({
    allOf: kinds.map((k) => ({
      if: { properties: { kind: { const: k } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
      then: { properties: { with: { $ref: `steps/${k}.schema.json` } } },
    })),
  });
}
