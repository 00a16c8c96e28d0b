// What `vcpipe report` shows, gathered from the cache: the last run's persisted snapshot (states,
// times, metrics and artifacts it announced) and each step's output dir (metrics.jsonl, plots/*.png,
// synthesis.json). A cached step shows what its published entry holds from the run that built it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readSynthesis } from '../synthesis/synthesis-index.ts';
import type { ReportInput, ReportStep } from '../ui/report.ts';
import type { CacheLayout } from '../runner/cache-layout.ts';
import type { Pipeline } from '../runner/pipeline.ts';
import { readRunSnapshot, type StepSnapshot } from '../runner/run-snapshot.ts';

/** Last value of each metric in metrics.jsonl (one JSON object per logged step). */
function finalMetricsOf(dir: string): Record<string, number> {
  const path = join(dir, 'metrics.jsonl');
  if (!existsSync(path)) return {};
  const out: Record<string, number> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      for (const [k, v] of Object.entries(JSON.parse(line) as Record<string, unknown>)) if (k !== 'step' && typeof v === 'number') out[k] = v;
    } catch {
      // a torn last line of a killed run
    }
  }
  return out;
}

const pngsUnder = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort().map((f) => join(dir, f)) : [];

function audiosOf(dir: string, kind: string): ReportStep['audios'] {
  if (kind !== 'synthesize' || !existsSync(join(dir, 'synthesis.json'))) return [];
  return readSynthesis(dir).sentences.map((s) => ({ path: join(dir, s.wav), label: s.text }));
}

function reportStep(name: string, s: StepSnapshot, cache: CacheLayout): ReportStep {
  const entry = cache.entry(s.key);
  const published = existsSync(cache.manifest(s.key));
  const dir = published ? entry : (s.workDir ?? cache.work(s.key));
  // Announced paths point into the work dir, which publishing renamed to the entry.
  const moved = (path: string) => (published && path.startsWith(cache.work(s.key)) ? entry + path.slice(cache.work(s.key).length) : path);
  const announced = (s.artifacts ?? []).map((a) => ({ ...a, path: moved(a.path) })).filter((a) => existsSync(a.path));
  const images = [...pngsUnder(join(dir, 'plots')), ...announced.filter((a) => a.path.toLowerCase().endsWith('.png')).map((a) => a.path)];
  const audios = audiosOf(dir, s.kind);
  for (const a of announced) {
    if (a.path.toLowerCase().endsWith('.wav') && !audios.some((x) => x.path === a.path)) audios.push({ path: a.path, label: a.label ?? a.path.split('/').pop()! });
  }
  const ran = s.state !== 'cached' && s.startedAt !== undefined && s.endedAt !== undefined;
  return {
    name,
    kind: s.kind,
    state: s.state,
    seconds: ran ? (s.endedAt! - s.startedAt!) / 1000 : undefined,
    metrics: { ...(existsSync(dir) ? finalMetricsOf(dir) : {}), ...s.metrics },
    images: [...new Set(images)],
    audios,
  };
}

export function buildReportInput(pipeline: Pipeline, cache: CacheLayout): ReportInput {
  const snap = readRunSnapshot(cache.run(pipeline.name));
  if (!snap) throw new UserError(`no run of '${pipeline.name}' recorded in ${cache.root}: run it first (vcpipe run ${pipeline.file})`);
  return {
    pipeline: pipeline.name,
    state: snap.state,
    startedAt: snap.startedAt,
    // Pipeline order; a step the last run did not plan (--only) is left out.
    steps: pipeline.steps.filter((p) => snap.steps[p.name]).map((p) => reportStep(p.name, snap.steps[p.name]!, cache)),
  };
}
