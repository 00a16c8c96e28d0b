// A real StepContext for running one step in a test: temp directories, and everything the step
// reports (logs, warnings, metrics, progress) recorded for assertions.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepContext } from '../../src/steps/contract.ts';

export interface RecordedContext<P> extends StepContext<P> {
  logs: string[];
  warnings: string[];
  metrics: { name: string; value: number }[];
  progressCalls: { done: number; total: number; unit?: string }[];
}

export function makeTempDir(prefix = 'vcpipe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function makeContext<P>(
  params: P,
  opts: { name?: string; outDir?: string; cacheDir?: string; projectDir?: string; inputs?: Record<string, string>; signal?: AbortSignal } = {},
): RecordedContext<P> {
  const root = makeTempDir();
  const outDir = opts.outDir ?? join(root, 'out');
  mkdirSync(outDir, { recursive: true });
  const ctx: RecordedContext<P> = {
    name: opts.name ?? 'step',
    params,
    inputs: opts.inputs ?? {},
    outDir,
    projectDir: opts.projectDir ?? root,
    cacheDir: opts.cacheDir ?? join(root, 'cache'),
    backend: 'cpu',
    signal: opts.signal ?? new AbortController().signal,
    logs: [],
    warnings: [],
    metrics: [],
    progressCalls: [],
    progress: (done, total, unit) => void ctx.progressCalls.push({ done, total, unit }),
    metric: (name, value) => void ctx.metrics.push({ name, value }),
    artifact: () => {},
    log: (m) => void ctx.logs.push(m),
    warn: (m) => void ctx.warnings.push(m),
  };
  return ctx;
}
