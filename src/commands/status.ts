// `vcpipe status [file]`: the last run's persisted snapshot, including what a crashed run left
// in flight. For a live run, each running step's last progress, its rate and latest metrics (the
// runner refreshes the snapshot every few seconds while steps report).
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { latestRunSnapshot, readRunSnapshot, type StepSnapshot } from '../runner/run-snapshot.ts';
import { formatDuration, formatRate, formatValue } from '../ui/dashboard/format.ts';
import { processAlive } from '../util/process-alive.ts';
import type { CliOptions } from './options.ts';

/** `8676/16000 steps · 6.7 steps/s · ETA 18m11s · 3s ago`. */
function progressText(p: NonNullable<StepSnapshot['progress']>, now: number): string {
  const rate = p.rate !== undefined ? ` · ${formatRate(p.rate, p.unit)}${p.total > p.done ? ` · ETA ${formatDuration((p.total - p.done) / p.rate)}` : ''}` : '';
  const age = p.time !== undefined ? ` · ${formatDuration(Math.max(0, now - p.time) / 1000)} ago` : '';
  return ` ${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ''}${rate}${age}`;
}

export async function statusCommand(o: CliOptions): Promise<number> {
  const cache = new CacheLayout(o.cacheDir);
  const path = o.file ? cache.run((await loadPipeline(o.file, o.overrides)).name) : latestRunSnapshot(cache);
  const snap = path && readRunSnapshot(path);
  if (!snap) {
    o.out(`no run recorded in ${o.cacheDir}`);
    return 0;
  }
  const finished = ['succeeded', 'failed', 'interrupted'].includes(snap.state);
  const crashed = !finished && !processAlive(snap.pid);
  const state = crashed ? `crashed (runner pid ${snap.pid} is gone) while ${snap.state}` : finished ? snap.state : `${snap.state} (pid ${snap.pid})`;
  o.out(`${snap.pipeline} (${snap.file}): ${state}, last update ${new Date(snap.updatedAt).toISOString()}${snap.message ? ` — ${snap.message}` : ''}`);
  for (const [name, s] of Object.entries(snap.steps)) {
    const inFlight = crashed && s.state === 'running' ? ' — was in flight; the next run resumes it from its work dir' : '';
    const live = s.state === 'running' && !crashed;
    const prog = !s.progress ? '' : live ? progressText(s.progress, Date.now()) : ` ${s.progress.done}/${s.progress.total}${s.progress.unit ? ` ${s.progress.unit}` : ''}`;
    o.out(`  ${s.state.padEnd(11)} ${name} [${s.kind}]${prog}${inFlight}${s.error ? `: ${s.error}` : ''}`);
    if (live && s.metrics) o.out(`              ${Object.entries(s.metrics).map(([k, v]) => `${k} ${formatValue(v)}`).join('  ')}`);
    if (s.state === 'running' || s.state === 'interrupted' || s.state === 'failed') if (s.workDir) o.out(`              work dir: ${s.workDir}`);
  }
  return 0;
}
