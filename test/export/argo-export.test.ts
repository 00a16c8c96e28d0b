// `vcpipe export argo` through the real CLI: the workflow validates against Argo's Workflow schema
// (@kubernetes-models/argo-workflows), its DAG is the plan's, steps in the store are left out, and
// running its tasks' command lines in dependency order here, against a shared-directory store,
// gives the same cache entries (keys and file contents) as `vcpipe run`.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Workflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow';
import { loadPipeline } from '../../src/runner/load-pipeline.ts';
import { planPipeline } from '../../src/runner/plan.ts';
import { CacheLayout } from '../../src/runner/cache-layout.ts';
import { SharedDirStore } from '../../src/store/shared-dir-store.ts';
import { hashFileSync } from '../../src/util/hash.ts';
import type { StoreJob } from '../../src/runner/store-job.ts';
import { REPO, vcpipe } from '../runner/cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from '../runner/tone-corpus.ts';

interface Task { name: string; template: string; dependencies?: string[] }
interface Template { name: string; dag?: { tasks: Task[] }; container?: { command: string[]; args: string[]; resources: { requests: Record<string, string>; limits: Record<string, string> } }; retryStrategy?: unknown }

function readWorkflow(path: string) {
  const obj = parse(readFileSync(path, 'utf8'));
  new Workflow(obj).validate();
  const templates = obj.spec.templates as Template[];
  const tasks = templates[0]!.dag!.tasks;
  const template = (name: string) => templates.find((t) => t.name === name)!;
  const job = (task: string) => JSON.parse(template(task).container!.args.at(-1)!) as StoreJob;
  const edges = tasks.flatMap((t) => (t.dependencies ?? []).map((d) => `${d}->${t.name}`)).sort();
  return { obj, text: readFileSync(path, 'utf8'), tasks, template, job, edges };
}

/** Task names in an order that runs each after its dependencies. */
function dependencyOrder(tasks: Task[]): string[] {
  const done: string[] = [];
  while (done.length < tasks.length) {
    for (const t of tasks) if (!done.includes(t.name) && (t.dependencies ?? []).every((d) => done.includes(d))) done.push(t.name);
  }
  return done;
}

/** Relative path -> content hash of an entry; its log, manifest and timings aside (they differ from run to run). */
function entryContent(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === 'manifest.json' || r === 'step.log') continue;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (name === 'metrics.jsonl') {
        out[r] = readFileSync(join(dir, r), 'utf8').trim().split('\n').map((l) => {
          const { steps_per_s: _a, s_per_step: _b, ...rest } = JSON.parse(l);
          return JSON.stringify(rest);
        }).join('\n');
      } else out[r] = hashFileSync(join(dir, r));
    }
  };
  walk('');
  return out;
}

const TINY = toneText2MelPipeline('tiny', { steps: 3, checkpoint_every: 3, log_every: 3 }, { header: 'timeout: 3600', text2melExtra: 'resources: { cpu: 1 }' });

describe('vcpipe export argo', { timeout: 240_000 }, () => {
  it('compiles pipelines/lj.yaml for an S3 store: valid, the plan\'s DAG, GPU limits, retries for training', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'vcpipe-export-lj-'));
    const out = join(tmp, 'wf.yaml');
    const r = await vcpipe(REPO, ['export', 'argo', 'pipelines/lj.yaml', '--image', 'vcpipe:latest', '--store', 's3://voices/lj', '--out', out, '--cache', join(tmp, 'cache')]);
    expect(r.exitCode, r.all).toBe(0);
    const wf = readWorkflow(out);
    const plan = await planPipeline(await loadPipeline(join(REPO, 'pipelines/lj.yaml'), []), new CacheLayout(join(tmp, 'cache')));
    expect(wf.edges).toEqual(plan.steps.flatMap((s) => s.needs.map((n) => `${n}->${s.name}`)).sort());
    expect(wf.tasks.map((t) => t.name)).toEqual(plan.steps.map((s) => s.name));
    for (const s of plan.steps) {
      const t = wf.template(s.name);
      expect(t.container!.args.slice(0, 6)).toEqual(['step', s.name, '--key', s.build.key, '--store', 's3://voices/lj']);
      expect(wf.job(s.name)).toMatchObject({ name: s.name, projectDir: 'pipelines', record: { key: s.build.key, outputId: s.build.outputId } });
      expect(t.retryStrategy).toEqual(s.kind.startsWith('train-') ? { limit: '3', retryPolicy: 'Always', expression: 'lastRetry.exitCode != "2"', backoff: { duration: '30s', factor: '2', maxDuration: '10m' } } : undefined);
    }
    expect(wf.template('text2mel').container!.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(wf.template('speak').container!.resources.limits).toEqual({ cpu: '1' });
    expect(wf.job('text2mel').params.steps).toBe(200000);
    expect(wf.obj.spec.activeDeadlineSeconds).toBeUndefined();

    // --set is resolved into the job: the workflow holds no pipeline YAML to interpret.
    const set = await vcpipe(REPO, ['export', 'argo', 'pipelines/lj.yaml', '--store', 's3://voices/lj', '--set', 'text2mel.steps=10', '--out', out, '--cache', join(tmp, 'cache')]);
    expect(set.exitCode, set.all).toBe(0);
    expect(readWorkflow(out).job('text2mel').params.steps).toBe(10);
    expect((await vcpipe(REPO, ['export', 'gcp', 'pipelines/lj.yaml'])).stderr).toContain("expected 'argo <pipeline.yaml>'");

    // Step names become DNS labels for Argo; the command keeps the step's own name.
    const demo = await vcpipe(REPO, ['export', 'argo', 'pipelines/demo.yaml', '--store', 's3://voices/demo', '--out', out, '--cache', join(tmp, 'cache')]);
    expect(demo.exitCode, demo.all).toBe(0);
    const wfDemo = readWorkflow(out);
    expect(wfDemo.tasks.find((t) => t.name === 'evaluate')!.dependencies).toEqual(['speak', 'heldout-teacher']);
    expect(wfDemo.template('heldout-teacher').container!.args.slice(0, 2)).toEqual(['step', 'heldout_teacher']);
  });

  it('leaves out what the store holds; its tasks run in order here give the entries of vcpipe run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-export-tiny-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    writeFileSync(join(dir, 'p.yaml'), TINY);
    const root = join(dir, 'store');
    const exportTo = async (out: string) => {
      const r = await vcpipe(dir, ['export', 'argo', 'p.yaml', '--store', root, '--out', out, '--cache', join(dir, 'export-cache')]);
      expect(r.exitCode, r.all).toBe(0);
      return r;
    };
    const runTask = async (wf: ReturnType<typeof readWorkflow>, task: string) => {
      const c = wf.template(task).container!;
      expect(c.command).toEqual(['vcpipe']);
      const r = await vcpipe(dir, [...c.args, '--cache', join(dir, 'mirror')]);
      expect(r.exitCode, r.all).toBe(0);
    };

    await exportTo(join(dir, 'wf1.yaml'));
    const wf1 = readWorkflow(join(dir, 'wf1.yaml'));
    expect(wf1.edges).toEqual(['corpus->features', 'features->text2mel']);
    expect(wf1.obj.spec.activeDeadlineSeconds).toBe(3600);
    expect(wf1.obj.spec.volumes).toEqual([{ name: 'store', persistentVolumeClaim: { claimName: 'vcpipe-store' } }]);
    const order = dependencyOrder(wf1.tasks);
    expect(order).toEqual(['corpus', 'features', 'text2mel']);

    // With corpus in the store, a new export leaves it out and names its key in a comment.
    await runTask(wf1, 'corpus');
    await exportTo(join(dir, 'wf2.yaml'));
    const wf2 = readWorkflow(join(dir, 'wf2.yaml'));
    expect(wf2.tasks).toEqual([{ name: 'features', template: 'features' }, { name: 'text2mel', template: 'text2mel', dependencies: ['features'] }]);
    expect(wf2.text).toContain(`# corpus: cached in the store (key ${wf1.job('corpus').record.key}), not run`);

    for (const task of order.slice(1)) await runTask(wf1, task);
    const all = await vcpipe(dir, ['export', 'argo', 'p.yaml', '--store', root, '--out', join(dir, 'wf3.yaml'), '--cache', join(dir, 'export-cache')]);
    expect(all.stderr).toContain('nothing to export');

    // The same entries as a local run of the pipeline.
    const local = await vcpipe(dir, ['run', 'p.yaml', '--json', '--cache', join(dir, 'cache')]);
    expect(local.exitCode, local.all).toBe(0);
    const localKeys = readdirSync(join(dir, 'cache', 'entries')).sort();
    expect(order.map((t) => wf1.job(t).record.key).sort()).toEqual(localKeys);
    const store = new SharedDirStore(root, join(dir, 'fetched'));
    for (const key of localKeys) {
      const fetched = (await store.fetch(key))!;
      expect((await store.lookup(key))?.outputId).toBe(JSON.parse(readFileSync(join(dir, 'cache', 'entries', key, 'manifest.json'), 'utf8')).outputId);
      const content = entryContent(fetched);
      expect(Object.keys(content).length).toBeGreaterThan(0);
      expect(content).toEqual(entryContent(join(dir, 'cache', 'entries', key)));
    }
  });
});
