// A real StepContext for running one step in a test: temp directories, and everything the step
// reports (logs, warnings, metrics, progress, artifacts) recorded for assertions. `abort` stops
// the step as SIGINT would.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepContext } from '../../src/steps/contract.ts';

export interface RecordedContext<P> extends StepContext<P> {
  logs: string[];
  warnings: string[];
  metrics: { name: string; value: number; at?: number }[];
  progressCalls: { done: number; total: number; unit?: string }[];
  /** Paths of the announced artifacts, in order. */
  artifacts: string[];
  abort: AbortController;
}

/** A fresh directory under the system temp dir, named vcpipe-<prefix>XXXXXX. */
export function makeTempDir(prefix = 'test-'): string {
  return mkdtempSync(join(tmpdir(), `vcpipe-${prefix}`));
}

export interface ContextOptions {
  name?: string;
  /** Default: a new temp dir's out/ (created). */
  outDir?: string;
  cacheDir?: string;
  projectDir?: string;
  inputs?: Record<string, string>;
  warmStart?: string;
  /** Tensor backend of model steps. Default wasm: the fastest that every machine has. */
  backend?: string;
}

export function makeContext<P>(params: P, opts: ContextOptions = {}): RecordedContext<P> {
  const root = makeTempDir();
  const outDir = opts.outDir ?? join(root, 'out');
  mkdirSync(outDir, { recursive: true });
  const abort = new AbortController();
  const ctx: RecordedContext<P> = {
    name: opts.name ?? 'step',
    params,
    inputs: opts.inputs ?? {},
    outDir,
    projectDir: opts.projectDir ?? root,
    cacheDir: opts.cacheDir ?? join(root, 'cache'),
    backend: opts.backend ?? 'wasm',
    warmStart: opts.warmStart,
    signal: abort.signal,
    abort,
    logs: [],
    warnings: [],
    metrics: [],
    progressCalls: [],
    artifacts: [],
    progress: (done, total, unit) => void ctx.progressCalls.push({ done, total, unit }),
    metric: (name, value, at) => void ctx.metrics.push({ name, value, at }),
    artifact: (path) => void ctx.artifacts.push(path),
    log: (m) => void ctx.logs.push(m),
    warn: (m) => void ctx.warnings.push(m),
  };
  return ctx;
}
