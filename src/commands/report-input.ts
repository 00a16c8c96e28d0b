// What `vcpipe report` shows, gathered from the cache: the last run's persisted snapshot (states,
// times, metrics and artifacts it announced) and each step's output dir (metrics.jsonl, plots/*.png,
// synthesis.json, evaluation.json with the synthesis and teacher corpus it judged). A cached step
// shows what its published entry holds from the run that built it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readCorpus } from '../data/corpus-manifest.ts';
import { wordEditDistance, wordsOf } from '../eval/wer.ts';
import { readSynthesis } from '../synthesis/synthesis-index.ts';
import type { EvaluateParams } from '../eval/evaluate-synthesis.ts';
import type { EvaluationDoc } from '../eval/evaluation-doc.ts';
import { naturalCompare, type ReportEvaluation, type ReportInput, type ReportStep } from '../ui/report.ts';
import type { CacheLayout } from '../runner/cache-layout.ts';
import type { Pipeline } from '../runner/pipeline.ts';
import { readRunSnapshot, type RunSnapshot, type StepSnapshot } from '../runner/run-snapshot.ts';
import { readDoc } from '../util/read-doc.ts';

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
  existsSync(dir) ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort(naturalCompare).map((f) => join(dir, f)) : [];

function audiosOf(dir: string, kind: string): ReportStep['audios'] {
  if (kind !== 'synthesize' || !existsSync(join(dir, 'synthesis.json'))) return [];
  return readSynthesis(dir).sentences.map((s) => ({ path: join(dir, s.wav), label: s.text }));
}

/** Where a step's output is: its published entry, or the work dir of a run that did not finish it. */
function outputDirOf(s: StepSnapshot, cache: CacheLayout): string {
  return existsSync(cache.manifest(s.key)) ? cache.entry(s.key) : (s.workDir ?? cache.work(s.key));
}

function reportStep(name: string, s: StepSnapshot, cache: CacheLayout): ReportStep {
  const entry = cache.entry(s.key);
  const published = existsSync(cache.manifest(s.key));
  const dir = outputDirOf(s, cache);
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

const existing = (path: string | undefined) => (path !== undefined && existsSync(path) ? path : undefined);

/** Per-sentence WER of one hypothesis. */
const werOf = (text: string, heard: string) => wordEditDistance(wordsOf(text), wordsOf(heard)) / Math.max(1, wordsOf(text).length);

/**
 * An evaluate step's results with the audio it judged: the model's WAV of each sentence from the
 * synthesis step, the teacher's from the reference corpus (either left out when its step's output
 * is gone).
 */
function reportEvaluation(name: string, params: EvaluateParams, snap: RunSnapshot, cache: CacheLayout): ReportEvaluation | undefined {
  const dirOf = (step: string | undefined) => {
    const s = step === undefined ? undefined : snap.steps[step];
    const dir = s && outputDirOf(s, cache);
    return dir && existsSync(dir) ? dir : undefined;
  };
  const dir = dirOf(name);
  if (!dir || !existsSync(join(dir, 'evaluation.json'))) return undefined;
  const doc = readDoc<EvaluationDoc>(dir, 'evaluation.json', 'evaluation');
  const synthDir = dirOf(params.synthesis);
  const wavs = synthDir && existsSync(join(synthDir, 'synthesis.json')) ? new Map(readSynthesis(synthDir).sentences.map((s) => [s.id, join(synthDir, s.wav)])) : new Map<string, string>();
  const teacherDir = dirOf(params.reference);
  const teacher = teacherDir && existsSync(join(teacherDir, 'corpus.json')) ? new Map(readCorpus(teacherDir).utterances.map((u) => [u.id, u.audio])) : new Map<string, string>();
  return {
    step: name,
    summary: doc.summary,
    similarity: doc.similarity,
    sentences: doc.sentences.map((s) => ({
      text: s.text,
      heard: s.hypothesis,
      wer: s.wer,
      teacherHeard: s.reference_hypothesis,
      teacherWer: s.reference_hypothesis === undefined ? undefined : werOf(s.text, s.reference_hypothesis),
      audio: existing(wavs.get(s.id)),
      teacherAudio: existing(s.reference_id === undefined ? undefined : teacher.get(s.reference_id)),
    })),
  };
}

export function buildReportInput(pipeline: Pipeline, cache: CacheLayout): ReportInput {
  const snap = readRunSnapshot(cache.run(pipeline.name));
  if (!snap) throw new UserError(`no run of '${pipeline.name}' recorded in ${cache.root}: run it first (vcpipe run ${pipeline.file})`);
  return {
    pipeline: pipeline.name,
    state: snap.state,
    startedAt: snap.startedAt,
    evaluations: pipeline.steps
      .filter((p) => p.kind === 'evaluate' && snap.steps[p.name])
      .map((p) => reportEvaluation(p.name, p.params as unknown as EvaluateParams, snap, cache))
      .filter((e): e is ReportEvaluation => e !== undefined),
    // Pipeline order; a step the last run did not plan (--only) is left out.
    steps: pipeline.steps.filter((p) => snap.steps[p.name]).map((p) => reportStep(p.name, snap.steps[p.name]!, cache)),
  };
}
