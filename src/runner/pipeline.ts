// The typed, validated pipeline the planner and runner work on.
import type { Resources } from '../steps/contract.ts';

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
  /** In dependency order (every step after its needs). */
  steps: PipelineStep[];
}
