// `vcpipe export argo <pipeline.yaml>`: the pipeline compiled to an Argo Workflow (see
// src/export/argo-workflow.ts). Steps already in the store, when it is readable from here (a
// shared directory), are left out and named in a comment.
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Document } from 'yaml';
import { UserError } from '../errors.ts';
import { argoWorkflow, STORE_CLAIM } from '../export/argo-workflow.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { planPipeline } from '../runner/plan.ts';
import { SharedDirStore } from '../store/shared-dir-store.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { CliOptions } from './options.ts';

const DEFAULT_STORE = 'file:///vcpipe-store';

export async function exportCommand(o: CliOptions): Promise<number> {
  const [target, file, ...extra] = o.files;
  if (target !== 'argo' || file === undefined || extra.length) throw new UserError("export: expected 'argo <pipeline.yaml>' (see vcpipe export --help)");
  const pipeline = await loadPipeline(file, o.overrides);
  const plan = await planPipeline(pipeline, new CacheLayout(o.cacheDir));
  // A plain path means a shared directory; the workflow names it as an absolute file:// URL.
  const given = o.store ?? DEFAULT_STORE;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : pathToFileURL(resolve(given)).href;
  const shared = url.startsWith('file://') ? new SharedDirStore(fileURLToPath(url), o.cacheDir) : undefined;
  const cached = new Map<string, string>();
  for (const s of plan.steps) {
    if (shared && (await shared.lookup(s.build.key))?.outputId === s.build.outputId) cached.set(s.name, s.build.key);
  }
  if (cached.size === plan.steps.length) {
    o.err(`vcpipe: every step of ${file} is in ${url} already: nothing to export`);
    return 0;
  }
  const image = o.image ?? 'vcpipe:latest';
  const workflow = argoWorkflow(plan, { image, store: url, cached: new Set(cached.keys()), projectDir: o.projectDir });
  const doc = new Document(workflow);
  doc.commentBefore = [
    ` Argo Workflow of ${file}, written by vcpipe export argo: one task per step that runs, each running`,
    ` \`vcpipe step\` in ${image} against the store ${url}.`,
    ...(shared ? [` A file:// store is the PersistentVolumeClaim '${STORE_CLAIM}', mounted at its path in every task.`] : [` Steps already in ${url} were not looked up from here: their tasks are cache hits that run nothing.`]),
    ' Submit: argo submit <this file>',
  ].join('\n');
  const tasks = doc.getIn(['spec', 'templates', 0, 'dag', 'tasks'], true) as { commentBefore?: string };
  if (cached.size) tasks.commentBefore = [...cached].map(([step, key]) => ` ${step}: cached in the store (key ${key}), not run`).join('\n');
  const text = doc.toString({ lineWidth: 0 });
  if (o.outFile) {
    writeFileAtomic(o.outFile, text);
    o.out(`wrote ${o.outFile}: ${plan.steps.length - cached.size} tasks, ${cached.size} cached steps left out`);
  } else process.stdout.write(text);
  return 0;
}
