// The run report: one self-contained HTML page (no network). What matters most comes first: the
// evaluation (word error rate beside the teacher's, speaker similarity, and each sentence with what
// the recogniser heard and both voices to listen to), then the steps with their times and final
// metrics, then each step's pictures: charts inlined as their SVG (a PNG only where no SVG was
// written), numbered series (alignment at step 8, 16, …) in step order with the first, a few
// middle and the last shown and the rest behind a click.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, relative, sep } from 'node:path';
import { svgPathOf } from '../plots/render.ts';
import type { EvaluationDoc } from '../eval/evaluation-doc.ts';
import { writeFileAtomic } from '../util/atomic.ts';

export interface ReportStep {
  name: string;
  kind: string;
  /** The step's final state (succeeded, cached, failed, interrupted...). */
  state: string;
  /** Seconds the step ran; undefined when it did not run (cached). */
  seconds?: number;
  /** Final value of each metric. */
  metrics: Record<string, number>;
  /** PNG files (absolute paths); an SVG beside one is shown instead of it. */
  images: string[];
  /** WAV files (absolute paths) with a caption, e.g. the sentence spoken. */
  audios: { path: string; label: string }[];
}

/** One sentence of an evaluation: what was said, what the recogniser heard, both voices. */
export interface ReportSentence {
  text: string;
  heard?: string;
  wer?: number;
  teacherHeard?: string;
  teacherWer?: number;
  /** WAV of the model's rendering, and of the teacher's (absolute paths). */
  audio?: string;
  teacherAudio?: string;
}

export interface ReportEvaluation {
  /** The evaluate step's name. */
  step: string;
  summary: EvaluationDoc['summary'];
  similarity?: EvaluationDoc['similarity'];
  sentences: ReportSentence[];
}

export interface ReportInput {
  pipeline: string;
  /** The run's final state. */
  state?: string;
  /** When the run started (ms since the epoch). */
  startedAt?: number;
  evaluations: ReportEvaluation[];
  steps: ReportStep[];
}

const MIME: Record<string, string> = { '.png': 'image/png', '.wav': 'audio/wav' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function dataUri(path: string): string {
  const mime = MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
  return `data:${mime};base64,${readFileSync(path).toString('base64')}`;
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(5)));
}

const formatShare = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(3));

function audioPlayer(path: string | undefined, label: string): string {
  return path ? `<audio controls preload="none" src="${dataUri(path)}" aria-label="${escapeHtml(label)}"></audio>` : '<span class="none">–</span>';
}

/** The headline figures: WER beside the teacher's, the signal checks, then speaker similarity. */
function evaluationFigures(e: ReportEvaluation): string {
  const s = e.summary;
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const figure = (value: string, label: string, cls = '') => `<div class="figure ${cls}"><span class="value">${value}</span><span class="label">${label}</span></div>`;
  const figures: string[] = [];
  if (num('wer') !== undefined) {
    figures.push(figure(formatShare(num('wer')), 'word error rate of the model', 'main'));
    if (num('reference_wer') !== undefined) figures.push(figure(formatShare(num('reference_wer')), "the teacher's, same recogniser and sentences"));
  } else if (typeof s.wer_note === 'string') {
    figures.push(figure('–', `word error rate skipped: ${escapeHtml(s.wer_note)}`));
  }
  if (num('sentences') !== undefined) figures.push(figure(String(num('sentences')), 'sentences judged'));
  const checks = [
    ['seconds of audio per character', num('seconds_per_char')],
    ['silent share', num('silence_share')],
    ['clipped share', num('clipping_share')],
  ]
    .filter((c): c is [string, number] => c[1] !== undefined)
    .map(([label, value]) => `<span class="metric"><span class="name">${label}</span> ${value.toFixed(3)}</span>`);
  let similarity = '';
  if (e.similarity) {
    const sim = e.similarity;
    const f0 = (k: string) => (num(k) === undefined ? '–' : `${num(k)!.toFixed(0)} Hz`);
    similarity =
      `<h3>Speaker similarity <span class="verdict ${sim.closerToTarget ? 'good' : 'bad'}">${sim.closerToTarget ? 'closer to the target speaker' : 'not closer to the target speaker'}</span></h3>` +
      '<div class="scroll"><table><thead><tr><th>distance</th><th>to target</th><th>to base</th></tr></thead><tbody>' +
      `<tr><td>median F0, semitones</td><td class="num">${sim.f0Semitones.target.toFixed(2)}</td><td class="num">${sim.f0Semitones.base.toFixed(2)}</td></tr>` +
      `<tr><td>mean mel-cepstrum, euclidean</td><td class="num">${sim.cepstralDistance.target.toFixed(2)}</td><td class="num">${sim.cepstralDistance.base.toFixed(2)}</td></tr>` +
      `<tr><td>median F0 (the model's: ${f0('median_f0')})</td><td class="num">${f0('target_median_f0')}</td><td class="num">${f0('base_median_f0')}</td></tr>` +
      '</tbody></table></div>';
  }
  return `<div class="figures">${figures.join('')}</div>${checks.length ? `<p class="checks">${checks.join(' ')}</p>` : ''}${similarity}`;
}

function sentenceTable(e: ReportEvaluation): string {
  if (e.sentences.length === 0) return '';
  const heard = (who: string, text: string | undefined, wer: number | undefined) =>
    text === undefined ? '' : `<div class="heard"><span class="who">${who} heard</span> <q>${escapeHtml(text)}</q>${wer === undefined ? '' : ` <span class="wer">WER ${wer.toFixed(2)}</span>`}</div>`;
  const rows = e.sentences.map(
    (s, i) =>
      `<tr><td class="num">${i + 1}</td><td class="said"><div class="text">${escapeHtml(s.text)}</div>` +
      `${heard('model', s.heard, s.wer)}${heard('teacher', s.teacherHeard, s.teacherWer)}</td>` +
      `<td class="player">${audioPlayer(s.audio, `model: ${s.text}`)}</td><td class="player">${audioPlayer(s.teacherAudio, `teacher: ${s.text}`)}</td></tr>`,
  );
  return (
    '<div class="scroll"><table class="sentences"><thead><tr><th>#</th><th>sentence, and what the recogniser heard</th><th>model</th><th>teacher</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function evaluationSection(e: ReportEvaluation): string {
  return `<section class="evaluation" id="evaluation-${escapeHtml(e.step)}"><h2>Evaluation <small>${escapeHtml(e.step)}</small></h2>${evaluationFigures(e)}${sentenceTable(e)}</section>`;
}

/** Steps with state, time and final metrics (wrapping inside their cell, so the table fits the page). */
function stepsTable(steps: ReportStep[]): string {
  const rows = steps.map((s) => {
    const metrics = Object.entries(s.metrics)
      .map(([k, v]) => `<span class="metric"><span class="name">${escapeHtml(k)}</span> ${formatMetric(v)}</span>`)
      .join(' ');
    return (
      `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.kind)}</td>` +
      `<td class="state ${escapeHtml(s.state)}">${escapeHtml(s.state)}</td><td class="num">${formatSeconds(s.seconds)}</td>` +
      `<td class="metrics">${metrics}</td></tr>`
    );
  });
  return `<div class="scroll"><table class="steps"><thead><tr><th>step</th><th>kind</th><th>state</th><th>time</th><th>final metrics</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/**
 * An SVG to inline: its ids (vega's gradients, numbered per process) prefixed with `scope` so two
 * charts on the page cannot take each other's.
 */
function scopedSvg(svg: string, scope: string): string {
  const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  let out = svg.replace(/^<\?xml[^>]*>\s*/, '');
  for (const id of new Set(ids)) {
    const quoted = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(\\sid="|url\\(#|href="#)${quoted}(?=[")])`, 'g'), `$1${scope}-${id}`);
  }
  return out;
}

/** Gives each inlined SVG of a page its own id scope. */
type Scopes = () => string;

function figure(png: string, label: string, scopes: Scopes): string {
  const caption = `<figcaption>${escapeHtml(label)}</figcaption>`;
  const svg = svgPathOf(png);
  if (existsSync(svg)) return `<figure>${scopedSvg(readFileSync(svg, 'utf8'), scopes())}${caption}</figure>`;
  return `<figure><img src="${dataUri(png)}" alt="${escapeHtml(label)}">${caption}</figure>`;
}

/** Natural order: numbers inside names compare by value (step 8 before step 16 before step 104). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Pictures whose paths differ only in their numbers (alignment-step-8.png, -16, …) form a series. */
const seriesOf = (label: string) => label.replace(/\d+/g, '#');

/** The folder all `paths` are in. */
function commonDir(paths: string[]): string {
  let dir = dirname(paths[0]);
  while (!paths.every((p) => p.startsWith(dir + sep)) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
}

/** Of a long series: the first, three between and the last. */
function shownOf<T>(items: T[]): { shown: T[]; rest: T[] } {
  if (items.length <= 5) return { shown: items, rest: [] };
  const picks = new Set([0, 1, 2, 3].map((k) => Math.round((k * (items.length - 1)) / 4)).concat(items.length - 1));
  return { shown: items.filter((_, i) => picks.has(i)), rest: items.filter((_, i) => !picks.has(i)) };
}

function pictures(images: string[], scopes: Scopes): string {
  if (images.length === 0) return '';
  // Each picture named by its path inside the step's output (previews/500/plots/s01.alignment.png).
  const root = commonDir(images);
  const labelled = images.map((png) => ({ png, label: relative(root, png) })).sort((a, b) => naturalCompare(a.label, b.label));
  const show = (items: typeof labelled) => items.map(({ png, label }) => figure(png, label, scopes)).join('');
  const series = new Map<string, typeof labelled>();
  for (const item of labelled) series.set(seriesOf(item.label), [...(series.get(seriesOf(item.label)) ?? []), item]);
  const long = [...series.values()].filter((group) => shownOf(group).rest.length > 0);
  // Short series stay in name order (a sentence's attention beside its mel); long ones follow,
  // each its first, middle and last pictures with the rest behind a click.
  const single = labelled.filter((item) => !long.some((group) => group.includes(item)));
  const collapsed = long.map((group) => {
    const { shown, rest } = shownOf(group);
    const name = escapeHtml(seriesOf(group[0].label).replace(/#/g, 'N'));
    return (
      `<div class="pictures series">${show(shown)}</div>` +
      `<details><summary>the other ${rest.length} of ${group.length} ${name}, in order</summary>` +
      `<div class="pictures series">${show(rest)}</div></details>`
    );
  });
  return (single.length ? `<div class="pictures">${show(single)}</div>` : '') + collapsed.join('');
}

function stepMedia(step: ReportStep, alreadyPlayed: Set<string>, scopes: Scopes): string {
  const audios = step.audios.filter((a) => !alreadyPlayed.has(a.path));
  if (step.images.length === 0 && audios.length === 0) return '';
  const players = audios
    .map(({ path, label }) => `<div class="audio"><span>${escapeHtml(label)}</span>${audioPlayer(path, label)}</div>`)
    .join('');
  const note = audios.length < step.audios.length ? '<p class="none">Its sentences are in the evaluation table above.</p>' : '';
  return `<section><h2>${escapeHtml(step.name)} <small>${escapeHtml(step.kind)}</small></h2>${note}${players}${pictures(step.images, scopes)}</section>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1180px; padding: 0 1em; color: #222; }
h1 small, h2 small { color: #777; font-weight: normal; font-size: 0.7em; }
h2 { margin-top: 1.6em; border-bottom: 1px solid #eee; padding-bottom: 0.2em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.state.succeeded { color: #1a7f37; } .state.failed { color: #c62828; } .state.interrupted { color: #b26a00; } .state.cached { color: #777; }
td.metrics { max-width: 34em; }
.metric { display: inline-block; margin: 0 0.9em 0.1em 0; white-space: nowrap; font-variant-numeric: tabular-nums; }
.metric .name { color: #666; }
.figures { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.8em 0 1.2em; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.figure .value { display: block; font-size: 1.6em; font-variant-numeric: tabular-nums; }
.figure.main .value { font-size: 2.2em; font-weight: 600; }
.figure .label { color: #555; font-size: 0.85em; }
.checks { margin: -0.4em 0 1em; }
.verdict { font-size: 0.8em; font-weight: normal; margin-left: 0.6em; padding: 0.1em 0.5em; border-radius: 4px; }
.verdict.good { background: #e6f4ea; color: #1a7f37; } .verdict.bad { background: #fdecea; color: #c62828; }
table.sentences { width: 100%; }
td.said { min-width: 18em; overflow-wrap: anywhere; }
td.said .text { font-weight: 600; }
.heard { color: #444; font-size: 0.92em; } .heard .who { color: #777; } .heard .wer { color: #777; white-space: nowrap; }
td.player audio { width: 210px; height: 32px; }
.pictures { display: flex; flex-wrap: wrap; gap: 0 1em; }
figure { margin: 0 0 1em 0; max-width: 100%; }
figure svg, figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #666; font-size: 0.85em; }
.series figure { width: calc(50% - 0.5em); } .series figure svg { width: 100%; }
details { margin: 0 0 1.5em; } summary { cursor: pointer; color: #1558b0; margin-bottom: 0.6em; }
.audio { display: flex; align-items: center; gap: 1em; margin: 0.4em 0; }
.audio span { min-width: 16em; }
.none { color: #777; }
`;

/** Writes the report page for `run` to `path` (atomically). */
export function writeReport(path: string, run: ReportInput): void {
  const when = run.startedAt !== undefined ? ` · ${new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '';
  let figures = 0;
  const scopes = () => `f${++figures}`;
  const played = new Set(run.evaluations.flatMap((e) => e.sentences.map((s) => s.audio).filter((p): p is string => !!p)));
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vcpipe report: ${escapeHtml(run.pipeline)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(run.pipeline)} <small>${run.state ? escapeHtml(run.state) : ''}${when}</small></h1>
${run.evaluations.map(evaluationSection).join('\n')}
<h2>Steps</h2>
${stepsTable(run.steps)}
${run.steps.map((s) => stepMedia(s, played, scopes)).join('\n')}
</body>
</html>
`;
  writeFileAtomic(path, html);
}
