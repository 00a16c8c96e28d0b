// The step contract: what every step kind provides and what the runner hands it.
// Steps never import the runner or the UI; they talk only through StepContext.
//
// A step module must stay light at import time (the runner imports every step module to
// read its metadata): heavy dependencies such as TensorFlow.js are imported inside `run`.
//
// A step's params type (its `with:` block) is owned by the module that does the work: the
// data/, training/ or eval/ module a step hands its context to (data/download-file.ts,
// training/params.ts, eval/evaluate-synthesis.ts, ...), or the step file itself where the work is
// written there (shell, synthesize).

import type { JsonSchema } from '../util/json-schema.ts';
import type { Shard } from '../util/shard.ts';
import type { WorkContext } from '../util/work-context.ts';

/**
 * The pattern of a param that names a path inside its folder (the step's output dir, or the
 * pipeline's folder): neither absolute nor with a `..` part. The loader refuses any other
 * with a located message, before anything runs.
 */
export const INSIDE_FOLDER = '^(?!/)(?!(.*/)?\\.\\.(/|$))';

export const pathInFolder = (description: string): JsonSchema => ({ type: 'string', pattern: INSIDE_FOLDER, description });

/** Resources a step occupies while it runs; the runner never exceeds the pipeline's limits. */
export interface Resources {
  cpu?: number;
  gpu?: number;
}

export interface StepContext<P = Record<string, unknown>> extends WorkContext {
  /** The step's name in the pipeline (the key under `steps:`). */
  name: string;
  /** The step's `with:` block, validated against its schema, `${params.x}` resolved. */
  params: P;
  /** Upstream step name -> that step's published output directory (absolute). */
  inputs: Record<string, string>;
  /** The directory this step writes into (absolute). It becomes the published output. */
  outDir: string;
  /** Directory of the pipeline file: relative paths in params resolve against it. */
  projectDir: string;
  /** Root of the cache (absolute). Per-item caches live in `${cacheDir}/items/<namespace>/`. */
  cacheDir: string;
  /** The pipeline's requested tensor backend (`auto`, `torch`, `wasm`, `cpu`, ...). */
  backend: string;
  /**
   * The published output dir of this same step from an earlier run whose key differs only
   * because its inputs or upstream changed; training steps copy their newest checkpoint from it
   * and train `finetune_steps` more. Set only when the runner runs with warm start (`vcpipe
   * watch`, `vcpipe run --warm-start`), for kinds with `budgetParams` (training steps, `shell`),
   * when the pipeline's last published build of this step name had the same kind, version and
   * params (budget params aside). Absent on a first run, a forced run, or when the step
   * continues its own published entry (raised budget). Read-only: copy from it, never write
   * into it. A step that finds its own checkpoints in `outDir` (resuming an interrupted run)
   * should prefer those.
   */
  warmStart?: string;
  /**
   * Set on one of the jobs a kind with `items` is split into (bullmq executor): compute only the
   * items of this shard (util/shard.ts inShard) into the per-item cache, and write no output.
   */
  shard?: Shard;
}

/**
 * The per-item cache of a kind whose work is many independent items (clips): it can run as shards
 * on several machines, and a store shared between machines keeps its items one by one. Each item is
 * one or more names in `${cacheDir}/items/<namespace>/` (a file or a folder), each written whole
 * (temp + rename), so a name that exists is complete.
 */
export interface StepItems<P> {
  namespace: string;
  /**
   * The names this run's items have there, computed cheaply (manifests, sentence lists, params;
   * no audio work) from the same params and inputs the run gets.
   */
  names(params: P, inputs: Record<string, string>, projectDir: string): Promise<string[]>;
}

export interface StepKind<P = Record<string, unknown>> {
  kind: string;
  /** Bump when the step's output for the same params would change: it is in the cache key. */
  version: number;
  /** One line for `--help`, the README's pipeline reference and `vcpipe graph`. */
  description: string;
  /** JSON Schema of the `with:` block (also written to schemas/steps/<kind>.schema.json). */
  paramsSchema: JsonSchema;
  /**
   * Params that are a budget, not an identity (a training step's `steps`): left out of the cache
   * key, so raising them continues the same cache entry from its last checkpoint.
   */
  budgetParams?: string[];
  /** External files or directories this step reads (absolute), fingerprinted for the cache key. */
  inputs?(params: P, projectDir: string): string[];
  /** Default resources of one running instance. */
  resources?: Resources;
  /** The per-item cache, for a kind that can run as shards. */
  items?: StepItems<P>;
  run(ctx: StepContext<P>): Promise<void>;
}
