// `vcpipe plan <file>` (and `run --dry-run`): each step, cached or runs, why, and its estimate.
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { planPipeline } from '../runner/plan.ts';
import { withStoredSteps } from '../runner/stored-steps.ts';
import type { CliOptions } from './options.ts';
import { storeOf } from './run-executor.ts';

const secs = (s: number) => (s < 90 ? `${s.toFixed(1)}s` : `${(s / 60).toFixed(1)}min`);

export async function planCommand(o: CliOptions): Promise<number> {
  const p = await loadPipeline(o.file!, o.overrides);
  const local = await planPipeline(p, new CacheLayout(o.cacheDir), { only: o.only, from: o.from, force: o.force }, { warmStart: o.warmStart });
  const store = await storeOf(o, p);
  const plan = store ? await withStoredSteps(local, store, o.force) : local;
  if (o.json) {
    for (const { build, start, resources, ...view } of plan.steps) o.out(JSON.stringify({ ...view, key: build.key, start }));
    return 0;
  }
  const width = Math.max(...plan.steps.map((s) => s.name.length));
  for (const s of plan.steps) {
    const est = s.decision === 'runs' && s.estimate !== undefined ? `  ~${secs(s.estimate)}` : '';
    o.out(`${s.decision === 'cached' ? 'cached' : 'runs  '}  ${s.name.padEnd(width)}  ${s.reason}${est}`);
  }
  const runs = plan.steps.filter((s) => s.decision === 'runs');
  const total = runs.reduce((t, s) => t + (s.estimate ?? 0), 0);
  o.out(runs.length ? `${runs.length} of ${plan.steps.length} steps run${total ? ` (~${secs(total)} from earlier runs)` : ''}` : `all ${plan.steps.length} steps cached`);
  return 0;
}
