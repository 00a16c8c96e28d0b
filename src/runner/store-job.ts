// A step's job as a workflow engine carries it (an Argo task's argument, later a BullMQ job):
// self-contained, with cache keys instead of one machine's paths. Params, overrides and budgets
// are resolved when it is made, so whoever runs it reads no pipeline file.
import { isAbsolute, relative } from 'node:path';
import { UserError } from '../errors.ts';
import type { Resources } from '../steps/contract.ts';
import type { Shard } from '../util/shard.ts';
import type { BuildRecord } from './build-record.ts';
import type { Plan } from './plan.ts';

export interface StoreJob {
  name: string;
  kind: string;
  /** The step's `with:` block, resolved (budget included). */
  params: Record<string, unknown>;
  backend: string;
  /**
   * The directory params' relative paths resolve against (datasets, sentence lists): relative to
   * the working directory of whoever runs the job (the image's project folder), or absolute.
   */
  projectDir: string;
  /** Published as the entry's manifest: key, outputId (key + budget), upstream, fingerprints. */
  record: BuildRecord;
  /** Upstream step name -> its cache key, fetched from the store. */
  needs: Record<string, string>;
  resources: Resources;
  /** One shard of a kind with items (bullmq executor): its items into the store, no entry. */
  shard?: Shard;
}

/**
 * The job of planned step `name`. `projectDir` as the job will see it; by default the pipeline's
 * folder relative to the current directory (a project exported from its root runs from the root
 * of the image's copy).
 */
export function storeJobOf(plan: Plan, name: string, projectDir?: string): StoreJob {
  const step = plan.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no planned step '${name}'`);
  const keyOf = (n: string) => plan.steps.find((s) => s.name === n)!.build.key;
  const here = relative(process.cwd(), plan.pipeline.projectDir);
  return {
    name,
    kind: step.kind,
    params: plan.pipeline.steps.find((s) => s.name === name)!.params,
    backend: plan.pipeline.backend,
    projectDir: projectDir ?? (here.startsWith('..') || isAbsolute(here) ? plan.pipeline.projectDir : here || '.'),
    record: step.build,
    needs: Object.fromEntries(step.needs.map((n) => [n, keyOf(n)])),
    resources: step.resources,
  };
}

/** Reads a job given on a command line; `key` must be the job's own. */
export function parseStoreJob(text: string, key: string): StoreJob {
  let job: StoreJob;
  try {
    job = JSON.parse(text) as StoreJob;
  } catch (err) {
    throw new UserError(`--job is not JSON: ${(err as Error).message}`);
  }
  const ok = job && typeof job === 'object' && typeof job.name === 'string' && typeof job.kind === 'string' && typeof job.projectDir === 'string' &&
    typeof job.backend === 'string' && job.params && typeof job.record?.key === 'string' && job.needs && typeof job.needs === 'object';
  if (!ok) throw new UserError('--job lacks name, kind, params, backend, projectDir, record or needs (write it with vcpipe export)');
  if (job.record.key !== key) throw new UserError(`--key ${key} is not the job's key (${job.record.key})`);
  return { ...job, resources: job.resources ?? {} };
}
