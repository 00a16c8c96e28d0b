// Pictures people look at while a voice trains and speaks: attention alignments, synthesised mel
// spectrograms and loss curves. Each is a chart spec (heatmap.ts, loss-curves.ts) that vega draws
// as an SVG and resvg rasterises to the PNG at `path`; the SVG is written beside it (render.ts).
import { cellSize, checkSize, heatmapSpec, minMax } from './heatmap.ts';
import { type LossSeries, lossCurvesSpec } from './loss-curves.ts';
import { writeChart } from './render.ts';

export type { LossSeries } from './loss-curves.ts';

/**
 * Attention alignment heatmap: `matrix` is rows × cols row-major (text positions N × decoder
 * frames T'), text position vertical (0 at the bottom), decoder frame horizontal, colours from 0
 * to the largest weight.
 */
export function writeAlignmentPng(
  path: string,
  matrix: Float32Array,
  rows: number,
  cols: number,
  opts: { title: string; step?: number },
): void {
  checkSize('alignment', matrix, rows, cols);
  const map = { values: matrix, rows, cols, lo: 0, hi: minMax(matrix).hi || 1 };
  const labels = {
    title: opts.title,
    subtitle: opts.step === undefined ? undefined : `step ${opts.step}`,
    x: 'decoder frame',
    y: 'text position',
    colour: 'weight',
  };
  writeChart(path, heatmapSpec(map, labels, cellSize(cols, 640), cellSize(rows, 400)));
}

/** One mel spectrogram (`frames` × `bands`, row-major: a mel file's layout), e.g. of a synthesised sentence. */
export function writeSpectrogramPng(path: string, mel: Float32Array, frames: number, bands: number, opts: { title: string }): void {
  checkSize('mel', mel, frames, bands);
  // Transpose frames × bands into a bands × frames heatmap (band 0 at the bottom).
  const values = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) for (let b = 0; b < bands; b++) values[b * frames + f] = mel[f * bands + b];
  const map = { values, rows: bands, cols: frames, ...minMax(mel) };
  const labels = { title: opts.title, x: 'frame', y: 'mel band', colour: 'level' };
  writeChart(path, heatmapSpec(map, labels, cellSize(frames, 800), cellSize(bands, 200)));
}

/** Loss terms over training steps on a log-scale loss axis, one colour per term, with a legend. */
export function writeLossCurvesPng(path: string, series: LossSeries, opts: { title: string }): void {
  writeChart(path, lossCurvesSpec(series, opts.title));
}
