// The run report: one self-contained HTML page (no network) with the steps, their timings and
// final metrics, the pictures inlined as data: URIs and an audio player per synthesised WAV.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
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
  /** PNG files (absolute paths). */
  images: string[];
  /** WAV files (absolute paths) with a caption, e.g. the sentence spoken. */
  audios: { path: string; label: string }[];
}

export interface ReportInput {
  pipeline: string;
  /** The run's final state. */
  state?: string;
  /** When the run started (ms since the epoch). */
  startedAt?: number;
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

function stepsTable(steps: ReportStep[]): string {
  const rows = steps.map(
    (s) =>
      `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.kind)}</td>` +
      `<td class="state ${escapeHtml(s.state)}">${escapeHtml(s.state)}</td><td class="num">${formatSeconds(s.seconds)}</td></tr>`,
  );
  return `<table><thead><tr><th>step</th><th>kind</th><th>state</th><th>time</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One table: a row per step that has metrics, a column per metric name. */
function metricsTable(steps: ReportStep[]): string {
  const measured = steps.filter((s) => Object.keys(s.metrics).length > 0);
  if (measured.length === 0) return '<p class="none">No metrics were recorded.</p>';
  const names = [...new Set(measured.flatMap((s) => Object.keys(s.metrics)))];
  const head = names.map((n) => `<th>${escapeHtml(n)}</th>`).join('');
  const rows = measured.map(
    (s) =>
      `<tr><td>${escapeHtml(s.name)}</td>${names
        .map((n) => `<td class="num">${n in s.metrics ? formatMetric(s.metrics[n]) : ''}</td>`)
        .join('')}</tr>`,
  );
  return `<table><thead><tr><th>step</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stepMedia(step: ReportStep): string {
  if (step.images.length === 0 && step.audios.length === 0) return '';
  const images = step.images
    .map((path) => `<figure><img src="${dataUri(path)}" alt="${escapeHtml(basename(path))}"><figcaption>${escapeHtml(basename(path))}</figcaption></figure>`)
    .join('');
  const audios = step.audios
    .map(({ path, label }) => `<div class="audio"><span>${escapeHtml(label)}</span><audio controls preload="metadata" src="${dataUri(path)}"></audio></div>`)
    .join('');
  return `<section><h2>${escapeHtml(step.name)} <small>${escapeHtml(step.kind)}</small></h2>${images}${audios}</section>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 small, h2 small { color: #777; font-weight: normal; font-size: 0.7em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.9em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state.succeeded { color: #1a7f37; } .state.failed { color: #c62828; } .state.interrupted { color: #b26a00; } .state.cached { color: #777; }
figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #666; font-size: 0.85em; }
.audio { display: flex; align-items: center; gap: 1em; margin: 0.4em 0; }
.audio span { min-width: 16em; }
`;

/** Writes the report page for `run` to `path` (atomically). */
export function writeReport(path: string, run: ReportInput): void {
  const when = run.startedAt !== undefined ? ` · ${new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '';
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
<h2>Steps</h2>
${stepsTable(run.steps)}
<h2>Final metrics</h2>
${metricsTable(run.steps)}
${run.steps.map(stepMedia).join('\n')}
</body>
</html>
`;
  writeFileAtomic(path, html);
}
