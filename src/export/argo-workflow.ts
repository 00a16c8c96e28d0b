// A plan compiled to one Argo Workflow: a DAG template with a task per step that runs, each a
// container running `vcpipe step` with its self-contained job (src/runner/store-job.ts). Steps
// whose output is in the store already are left out; the tasks that need them fetch it by key.
import { fileURLToPath } from 'node:url';
import type { IWorkflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow';
import type { Plan, StepPlan } from '../runner/plan.ts';
import { storeJobOf } from '../runner/store-job.ts';

export interface ArgoExportOptions {
  image: string;
  /** The store URL every task passes to `vcpipe step --store`. */
  store: string;
  /** Names of the steps whose output is in the store: left out of the workflow. */
  cached: ReadonlySet<string>;
  /** The pipeline folder as the job sees it (StoreJob.projectDir); default: relative to here. */
  projectDir?: string;
}

/** PersistentVolumeClaim mounted at a file:// store's path in every task. */
export const STORE_CLAIM = 'vcpipe-store';

/** Argo task and template names are DNS labels: lower case, digits and '-'. */
export const argoName = (step: string) => step.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '').slice(0, 63) || 'step';

const RETRY = {
  limit: '3',
  retryPolicy: 'Always' as const,
  expression: 'lastRetry.exitCode != "2"',
  backoff: { duration: '30s', factor: '2', maxDuration: '10m' },
};

function containerResources(s: StepPlan) {
  const cpu = String(s.resources.cpu ?? 1);
  const limits: Record<string, string> = { cpu };
  if (s.resources.gpu) limits['nvidia.com/gpu'] = String(s.resources.gpu);
  return { requests: { cpu }, limits };
}

export function argoWorkflow(plan: Plan, opts: ArgoExportOptions): IWorkflow {
  const running = plan.steps.filter((s) => !opts.cached.has(s.name));
  const names = new Map<string, string>();
  for (const s of running) {
    let name = argoName(s.name);
    while ([...names.values()].includes(name)) name = `${name}-x`;
    names.set(s.name, name);
  }
  const storePath = opts.store.startsWith('file://') ? fileURLToPath(opts.store) : undefined;
  const templates = running.map((s) => {
    const job = storeJobOf(plan, s.name, opts.projectDir);
    return {
      name: names.get(s.name)!,
      // A step with a budget trains and saves checkpoints to the store: a retried pod resumes from
      // them. Exit 2 is bad input (a malformed job, an input missing from the store): not retried.
      ...(Object.keys(s.build.budget).length ? { retryStrategy: RETRY } : {}),
      container: {
        name: 'main',
        image: opts.image,
        command: ['vcpipe'],
        args: ['step', s.name, '--key', s.build.key, '--store', opts.store, '--job', JSON.stringify(job)],
        resources: containerResources(s),
        ...(storePath ? { volumeMounts: [{ name: 'store', mountPath: storePath }] } : {}),
      },
    };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${argoName(plan.pipeline.name)}-` },
    spec: {
      entrypoint: 'pipeline',
      ...(plan.pipeline.timeout ? { activeDeadlineSeconds: plan.pipeline.timeout } : {}),
      ...(storePath ? { volumes: [{ name: 'store', persistentVolumeClaim: { claimName: STORE_CLAIM } }] } : {}),
      templates: [
        {
          name: 'pipeline',
          dag: {
            tasks: running.map((s) => {
              const deps = s.needs.filter((n) => names.has(n)).map((n) => names.get(n)!);
              return { name: names.get(s.name)!, template: names.get(s.name)!, ...(deps.length ? { dependencies: deps } : {}) };
            }),
          },
        },
        ...templates,
      ],
    },
  };
}
