// PNG pictures people look at while a voice trains and speaks: attention alignments,
// predicted-vs-target mel spectrograms, synthesised mels and loss curves. Drawn pixel by
// pixel into an RGBA raster (text with the built-in 5×7 font) and written atomically.
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../util/atomic.ts';
import { GLYPH_HEIGHT, rasterizeText, textWidth } from './font.ts';

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [20, 20, 20];
const GRID: Rgb = [225, 225, 225];
/** Distinct line colours for loss terms, in legend order. */
export const SERIES_COLOURS: readonly Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [23, 190, 207],
];

/** Control points of a viridis-like colour map (dark purple → blue → green → yellow). */
const COLOUR_MAP: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour for t in [0, 1] (clamped). */
export function heatColour(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (COLOUR_MAP.length - 1);
  const i = Math.min(COLOUR_MAP.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [COLOUR_MAP[i], COLOUR_MAP[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as unknown as Rgb;
}

class Raster {
  readonly png: PNG;

  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height });
    this.rect(0, 0, width, height, WHITE);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, colour);
  }

  frame(x: number, y: number, w: number, h: number, colour: Rgb): void {
    this.rect(x - 1, y - 1, w + 2, 1, colour);
    this.rect(x - 1, y + h, w + 2, 1, colour);
    this.rect(x - 1, y - 1, 1, h + 2, colour);
    this.rect(x + w, y - 1, 1, h + 2, colour);
  }

  /** A line two pixels thick (Bresenham). */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
    [x0, y0, x1, y1] = [x0, y0, x1, y1].map(Math.round);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x0, y0, colour);
      this.set(x0, y0 + 1, colour);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  text(text: string, x: number, y: number, opts: { scale?: number; vertical?: boolean; colour?: Rgb } = {}): void {
    const colour = opts.colour ?? INK;
    rasterizeText(text, x, y, (px, py) => this.set(px, py, colour), opts);
  }

  encode(): Buffer {
    return PNG.sync.write(this.png);
  }
}

/** Picture margins around a plot area: title above, tick numbers and axis labels left and below. */
const MARGIN = { left: 56, right: 16, top: 34, bottom: 40 };
const TITLE_SCALE = 2;

/** The title at TITLE_SCALE, or at scale 1 when that would run off the picture (then cut, ending in ...). */
export function fitTitle(title: string, width: number): { text: string; scale: number } {
  const room = width - MARGIN.left - 4;
  if (textWidth(title, TITLE_SCALE) <= room) return { text: title, scale: TITLE_SCALE };
  if (textWidth(title, 1) <= room) return { text: title, scale: 1 };
  let keep = title.length;
  while (keep > 0 && textWidth(title.slice(0, keep) + '...', 1) > room) keep--;
  return { text: title.slice(0, keep) + '...', scale: 1 };
}

function drawTitle(raster: Raster, title: string): void {
  const { text, scale } = fitTitle(title, raster.width);
  raster.text(text, MARGIN.left, (MARGIN.top - GLYPH_HEIGHT * scale) / 2, { scale });
}

function titleWithStep(title: string, step: number | undefined): string {
  return step === undefined ? title : `${title}  step ${step}`;
}

/** Short label for a tick value: integers as they are, others with three significant digits. */
export function formatTick(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(0).replace('+', '');
  return String(Number(value.toPrecision(3)));
}

/** Round tick spacing (1, 2 or 5 times a power of ten) giving about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mult = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return mult * power;
}

/** Ticks of an index axis 0..count-1: first, last and a few round values between. */
function indexTicks(count: number): number[] {
  const step = niceStep(count - 1, 4);
  const ticks: number[] = [];
  for (let v = 0; v < count - 1 - step / 2; v += step) ticks.push(v);
  ticks.push(count - 1);
  return ticks;
}

interface Heatmap {
  /** Row-major values, rows × cols. Row 0 is drawn at the bottom. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  lo: number;
  hi: number;
}

/** Pixel size of one heatmap cell so the picture lands near `target` pixels (1..8 per cell). */
function cellSize(count: number, target: number): number {
  return Math.max(1, Math.min(8, Math.floor(target / count)));
}

/** Draws the heatmap with its top-left corner at (x, y), `sx`×`sy` pixels a cell, with axis ticks. */
function drawHeatmap(raster: Raster, map: Heatmap, x: number, y: number, sx: number, sy: number): void {
  const span = map.hi - map.lo || 1;
  for (let r = 0; r < map.rows; r++) {
    const top = y + (map.rows - 1 - r) * sy;
    for (let c = 0; c < map.cols; c++) {
      raster.rect(x + c * sx, top, sx, sy, heatColour((map.values[r * map.cols + c] - map.lo) / span));
    }
  }
  const w = map.cols * sx;
  const h = map.rows * sy;
  raster.frame(x, y, w, h, INK);
  for (const c of indexTicks(map.cols)) {
    const px = x + c * sx + Math.floor(sx / 2);
    raster.rect(px, y + h + 1, 1, 3, INK);
    const label = String(c);
    raster.text(label, px - Math.floor(textWidth(label) / 2), y + h + 6);
  }
  for (const r of indexTicks(map.rows)) {
    const py = y + (map.rows - 1 - r) * sy + Math.floor(sy / 2);
    raster.rect(x - 4, py, 3, 1, INK);
    const label = String(r);
    raster.text(label, x - 6 - textWidth(label), py - 3);
  }
}

function drawAxisLabels(raster: Raster, x: number, y: number, w: number, h: number, xLabel: string, yLabel: string): void {
  raster.text(xLabel, x + Math.floor((w - textWidth(xLabel)) / 2), y + h + 18);
  raster.text(yLabel, 6, y + Math.floor((h - textWidth(yLabel)) / 2), { vertical: true });
}

function minMax(values: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? { lo, hi } : { lo: 0, hi: 1 };
}

function checkSize(name: string, values: ArrayLike<number>, rows: number, cols: number): void {
  if (!(rows > 0 && cols > 0) || values.length !== rows * cols) {
    throw new Error(`${name}: ${values.length} values do not make a ${rows}×${cols} matrix`);
  }
}

/**
 * Attention alignment heatmap: `matrix` is rows × cols row-major (text positions N × decoder
 * frames T'), text position vertical (0 at the bottom), decoder frame horizontal.
 */
export function writeAlignmentPng(
  path: string,
  matrix: Float32Array,
  rows: number,
  cols: number,
  opts: { title: string; step?: number },
): void {
  checkSize('alignment', matrix, rows, cols);
  const sx = cellSize(cols, 640);
  const sy = cellSize(rows, 400);
  const raster = new Raster(MARGIN.left + cols * sx + MARGIN.right, MARGIN.top + rows * sy + MARGIN.bottom);
  drawTitle(raster, titleWithStep(opts.title, opts.step));
  drawHeatmap(raster, { values: matrix, rows, cols, lo: 0, hi: minMax(matrix).hi || 1 }, MARGIN.left, MARGIN.top, sx, sy);
  drawAxisLabels(raster, MARGIN.left, MARGIN.top, cols * sx, rows * sy, 'decoder frame', 'text position');
  writeFileAtomic(path, raster.encode());
}

/** Mel spectrograms stacked one above the other, each `frames` × `bands` row-major (a mel file's layout). */
function writeMelStack(path: string, mels: { label: string; mel: ArrayLike<number> }[], frames: number, bands: number, title: string): void {
  for (const { label, mel } of mels) checkSize(label || 'mel', mel, frames, bands);
  const sx = cellSize(frames, 800);
  const sy = cellSize(bands, 160);
  const w = frames * sx;
  const h = bands * sy;
  const labelRoom = mels.length > 1 ? 14 : 0;
  const panel = labelRoom + h + MARGIN.bottom;
  const raster = new Raster(MARGIN.left + w + MARGIN.right, MARGIN.top + panel * mels.length);
  drawTitle(raster, title);
  const { lo, hi } = minMax(mels.flatMap(({ mel }) => [minMax(mel).lo, minMax(mel).hi]));
  mels.forEach(({ label, mel }, index) => {
    const top = MARGIN.top + index * panel + labelRoom;
    if (label) raster.text(label, MARGIN.left, top - 11);
    // Transpose frames × bands into a bands × frames heatmap (band 0 at the bottom).
    const values = new Float32Array(frames * bands);
    for (let f = 0; f < frames; f++) for (let b = 0; b < bands; b++) values[b * frames + f] = mel[f * bands + b];
    drawHeatmap(raster, { values, rows: bands, cols: frames, lo, hi }, MARGIN.left, top, sx, sy);
    drawAxisLabels(raster, MARGIN.left, top, w, h, 'frame', 'mel band');
  });
  writeFileAtomic(path, raster.encode());
}

/** Predicted mel above target mel (`frames` × `bands` each, row-major), one shared colour scale. */
export function writeSpectrogramPairPng(
  path: string,
  predicted: Float32Array,
  target: Float32Array,
  frames: number,
  bands: number,
  opts: { title: string; step?: number },
): void {
  writeMelStack(path, [{ label: 'predicted', mel: predicted }, { label: 'target', mel: target }], frames, bands, titleWithStep(opts.title, opts.step));
}

/** One mel spectrogram (`frames` × `bands`, row-major), e.g. of a synthesised sentence. */
export function writeSpectrogramPng(path: string, mel: Float32Array, frames: number, bands: number, opts: { title: string }): void {
  writeMelStack(path, [{ label: '', mel }], frames, bands, opts.title);
}

export type LossSeries = Record<string, { step: number; value: number }[]>;

/** Loss terms over training steps on a log-scale y axis, one colour per term, with a legend. */
export function writeLossCurvesPng(path: string, series: LossSeries, opts: { title: string }): void {
  const width = 800;
  const height = 480;
  const x0 = MARGIN.left + 8;
  const y0 = MARGIN.top;
  const w = width - x0 - MARGIN.right;
  const h = height - y0 - MARGIN.bottom;
  const raster = new Raster(width, height);
  drawTitle(raster, opts.title);

  const points = Object.values(series).flat();
  const positive = points.filter((p) => p.value > 0 && Number.isFinite(p.value));
  const steps = minMax(points.map((p) => p.step));
  const stepSpan = steps.hi - steps.lo || 1;
  const logs = minMax(positive.map((p) => Math.log10(p.value)));
  let decadeLo = Math.floor(logs.lo);
  let decadeHi = Math.ceil(logs.hi);
  if (decadeHi === decadeLo) decadeHi += 1;
  if (positive.length === 0) [decadeLo, decadeHi] = [-1, 1];
  const px = (step: number) => x0 + ((step - steps.lo) / stepSpan) * (w - 1);
  const py = (value: number) => y0 + (1 - (Math.log10(value) - decadeLo) / (decadeHi - decadeLo)) * (h - 1);

  // Grid and y ticks at every decade, x ticks at round step numbers.
  for (let d = decadeLo; d <= decadeHi; d++) {
    const y = Math.round(py(10 ** d));
    raster.rect(x0, y, w, 1, GRID);
    const label = formatTick(10 ** d);
    raster.text(label, x0 - 6 - textWidth(label), y - 3);
  }
  const xStep = niceStep(stepSpan, 5);
  for (let s = Math.ceil(steps.lo / xStep) * xStep; s <= steps.hi; s += xStep) {
    const x = Math.round(px(s));
    raster.rect(x, y0, 1, h, GRID);
    raster.rect(x, y0 + h + 1, 1, 3, INK);
    const label = formatTick(s);
    raster.text(label, x - Math.floor(textWidth(label) / 2), y0 + h + 6);
  }
  raster.frame(x0, y0, w, h, INK);

  Object.entries(series).forEach(([, data], index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
    const usable = data.filter((p) => p.value > 0 && Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
    usable.forEach((p, i) => {
      if (i === 0) raster.set(px(p.step), py(p.value), colour);
      else raster.line(px(usable[i - 1].step), py(usable[i - 1].value), px(p.step), py(p.value), colour);
    });
  });

  // Legend in the top-right corner of the plot area.
  const names = Object.keys(series);
  const legendW = 30 + Math.max(0, ...names.map((n) => textWidth(n)));
  const legendX = x0 + w - legendW - 6;
  raster.rect(legendX, y0 + 6, legendW, names.length * 12 + 6, WHITE);
  raster.frame(legendX, y0 + 6, legendW, names.length * 12 + 6, INK);
  names.forEach((name, index) => {
    const y = y0 + 10 + index * 12;
    raster.rect(legendX + 4, y + 2, 16, 3, SERIES_COLOURS[index % SERIES_COLOURS.length]);
    raster.text(name, legendX + 24, y);
  });

  drawAxisLabels(raster, x0, y0, w, h, 'step', 'loss (log scale)');
  writeFileAtomic(path, raster.encode());
}
