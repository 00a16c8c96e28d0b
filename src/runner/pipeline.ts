// The typed, validated pipeline the planner and runner work on.
import type { Resources } from '../steps/contract.ts';

export interface ExecutorConfig {
  /** `local`: child processes on this machine; `bullmq`: `vcpipe worker`s through Redis. */
  type: 'local' | 'bullmq';
  /** redis://host:port of the queues (bullmq). */
  redis?: string;
  /** The store every machine reaches (file:///path or a path); a local run can use it too. */
  store?: string;
  /** Tries of a step that crashes on a worker (user errors are not retried); default 3. */
  attempts?: number;
  /** Jobs a step with per-item caches (preprocess, speech-corpus) is split into; default: one per worker. */
  shards?: number;
}

export interface PipelineStep {
  name: string;
  kind: string;
  needs: string[];
  /** The `with:` block, `${params.x}` resolved, schema defaults applied. */
  params: Record<string, unknown>;
  resources?: Resources;
}

export interface Pipeline {
  /** Absolute path of the pipeline file. */
  file: string;
  /** Directory of the pipeline file (relative paths in params resolve against it). */
  projectDir: string;
  name: string;
  backend: string;
  params: Record<string, unknown>;
  resources?: Resources;
  /** Seconds the whole run may take where an engine enforces it (Argo's activeDeadlineSeconds). */
  timeout?: number;
  /** Where steps run and outputs live (`executor:` block; `vcpipe run` flags override it). */
  executor?: ExecutorConfig;
  /** In dependency order (every step after its needs). */
  steps: PipelineStep[];
}
