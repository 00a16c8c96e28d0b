// The plan: for every step its cache key, whether it is cached or runs, why, and how it starts
// (fresh, resuming an interrupted or failed work dir, or continuing a published entry with a raised budget).
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Resources } from '../steps/contract.ts';
import { loadStepKind } from '../steps/registry.ts';
import type { PlannedStep } from './events.ts';
import { canonicalJson, hashJson } from '../util/hash.ts';
import { readHistory, readManifest, type BuildRecord } from './build-record.ts';
import type { CacheLayout } from './cache-layout.ts';
import { downstreamOf } from './dag.ts';
import { fingerprint } from './fingerprint.ts';
import type { Pipeline } from './pipeline.ts';
import { PipelineProblems } from './problems.ts';
import { whyRuns } from './plan-reasons.ts';

export type StartMode = 'fresh' | 'resume' | 'continue';

export interface StepPlan extends PlannedStep {
  build: BuildRecord;
  /** How a running step starts: empty dir, its kept work dir, or a copy of its published entry. */
  start: StartMode;
  resources: Resources;
  /** Published entry of an earlier build of this step to warm-start from (StepContext.warmStart). */
  warmStart?: string;
}

export interface Plan {
  pipeline: Pipeline;
  steps: StepPlan[];
}

export interface PlanOptions {
  /** Offer steps of kinds with budget params the entry of their last build as a warm start (watch, --warm-start). */
  warmStart?: boolean;
}

export interface Selection {
  only?: string;
  from?: string;
  force?: string[];
}

function split(params: Record<string, unknown>, budgetNames: string[]) {
  const identity: Record<string, unknown> = {};
  const budget: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) (budgetNames.includes(k) ? budget : identity)[k] = v;
  return { identity, budget };
}

/**
 * The budget params lowered from the published entry's, in words ('steps 1500 → 600'); undefined
 * when none is. Continuing an entry trained past the new budget would publish the longer training
 * under the shorter budget (a linear-decay schedule is even drawn to the budget), so such a step
 * trains from the start.
 */
function loweredBudget(published: Record<string, unknown>, budget: Record<string, unknown>): string | undefined {
  const lowered = Object.keys(budget).filter((k) => typeof published[k] === 'number' && typeof budget[k] === 'number' && budget[k] < published[k]);
  return lowered.length ? lowered.map((k) => `${k} ${published[k]} → ${budget[k]}`).join(', ') : undefined;
}

function selected(p: Pipeline, sel: Selection): Set<string> {
  const needs = new Map(p.steps.map((s) => [s.name, s.needs]));
  for (const [flag, name] of [['--only', sel.only], ['--from', sel.from], ...(sel.force ?? []).map((f) => ['--force', f])] as const) {
    if (name !== undefined && !needs.has(name)) throw new PipelineProblems([{ where: `${flag} ${name}`, message: `no step '${name}' in ${p.file}` }]);
  }
  if (sel.only) return new Set([sel.only]);
  if (sel.from) return downstreamOf(needs, [sel.from]);
  return new Set(needs.keys());
}

/**
 * The entry of the pipeline's last published build of this step when it had the same kind, version
 * and params (budget aside): it differs only by inputs or upstream, so its checkpoints are a good
 * start. None when that build is this very key (the step continues or is cached) or was cleaned.
 */
function warmStartEntry(history: BuildRecord | undefined, build: BuildRecord, cache: CacheLayout): string | undefined {
  if (!history || history.key === build.key || history.kind !== build.kind || history.version !== build.version) return undefined;
  if (canonicalJson(history.params) !== canonicalJson(build.params)) return undefined;
  return existsSync(cache.manifest(history.key)) ? cache.entry(history.key) : undefined;
}

export async function planPipeline(p: Pipeline, cache: CacheLayout, sel: Selection = {}, opts: PlanOptions = {}): Promise<Plan> {
  const chosen = selected(p, sel);
  const byName = new Map<string, StepPlan>();
  for (const s of p.steps) {
    const kind = await loadStepKind(s.kind);
    const { identity, budget } = split(s.params, kind.budgetParams ?? []);
    const inputs: Record<string, string> = {};
    for (const path of kind.inputs?.(s.params, p.projectDir) ?? []) {
      // Named relative to the pipeline's folder even when outside it (../data/sentences.txt): the
      // key then holds the same in every checkout, so a store shared between machines finds it.
      inputs[relative(p.projectDir, path)] = await fingerprint(path, cache);
    }
    const upstream = Object.fromEntries(s.needs.map((n) => [n, byName.get(n)!.build.outputId]));
    const key = hashJson({ kind: s.kind, version: kind.version, params: identity, upstream, inputs }).slice(0, 32);
    const outputId = hashJson({ key, budget }).slice(0, 32);
    const build: BuildRecord = { key, outputId, step: s.name, kind: s.kind, version: kind.version, params: identity, budget, upstream, inputs };
    const manifest = readManifest(cache, key);
    const upToDate = manifest !== undefined && canonicalJson(manifest.budget) === canonicalJson(budget);
    const forced = sel.force?.includes(s.name) ?? false;
    const history = readHistory(cache, p.name, s.name);
    const hasWork = existsSync(cache.work(key));
    const decision = upToDate && !forced ? 'cached' : 'runs';
    const lowered = manifest && !upToDate ? loweredBudget(manifest.budget, budget) : undefined;
    let reason: string;
    if (decision === 'cached') reason = history?.key === key ? 'cached: nothing changed' : `cached: an identical build is in the cache (${key.slice(0, 8)})`;
    else if (forced) reason = 'forced (--force)';
    else if (lowered) reason = `${whyRuns(history, build)}; budget lowered below the published entry's (${lowered}): trains from the start`;
    else if (hasWork) {
      const resumes = existsSync(cache.failedMarker(key)) ? 'failed last time: retries in its work dir' : 'resumes its interrupted work dir';
      reason = history ? `${whyRuns(history, build)}; ${resumes}` : resumes;
    }
    else if (manifest) reason = `${whyRuns(history, build)}; continues the published entry`;
    else reason = whyRuns(history, build);
    const start: StartMode = forced || lowered ? 'fresh' : hasWork ? 'resume' : manifest ? 'continue' : 'fresh';
    const warmStart = opts.warmStart && decision === 'runs' && kind.budgetParams?.length && !forced && start !== 'continue' ? warmStartEntry(history, build, cache) : undefined;
    if (warmStart) reason += `; warm-starts from ${history!.key.slice(0, 8)}`;
    byName.set(s.name, {
      name: s.name,
      kind: s.kind,
      needs: s.needs,
      decision,
      reason,
      estimate: history?.duration,
      build,
      start,
      resources: s.resources ?? kind.resources ?? { cpu: 1 },
      ...(warmStart ? { warmStart } : {}),
    });
  }
  const steps = p.steps.map((s) => byName.get(s.name)!);
  for (const s of steps) {
    if (chosen.has(s.name) || s.decision === 'cached') continue;
    const neededBy = steps.find((d) => chosen.has(d.name) && d.needs.includes(s.name));
    if (neededBy) {
      throw new PipelineProblems([{ where: `step ${neededBy.name}`, message: `needs '${s.name}', which is not cached and not selected (run without --only/--from first)` }]);
    }
  }
  return { pipeline: p, steps: steps.filter((s) => chosen.has(s.name) || s.decision === 'cached') };
}
