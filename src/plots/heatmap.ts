// A heatmap as a vega chart: titled index axes, a colour legend, and the cells as one image mark
// (a PNG with one pixel per cell, coloured by vega's viridis, scaled up without smoothing). The
// image keeps a 100 × 100 matrix at a few kB of SVG and a few ms of drawing, where a rect per cell
// cost 50 bytes and 30 µs each.
import { PNG } from 'pngjs';
import type * as Vega from 'vega';
import { FONT, loadVega } from './render.ts';

export interface Heatmap {
  /** Row-major values, rows × cols; row 0 is drawn at the bottom. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Values mapped to the ends of the colour scale (clamped). */
  lo: number;
  hi: number;
}

export interface HeatmapLabels {
  title: string;
  subtitle?: string;
  x: string;
  y: string;
  colour: string;
}

let palette: number[][] | undefined;
/** vega's viridis at 256 evenly spaced points, as [r, g, b]: the colours of its legend. */
function viridis(): number[][] {
  if (!palette) {
    const at = loadVega().scheme('viridis') as (t: number) => string;
    palette = Array.from({ length: 256 }, (_, i) => at(i / 255).match(/\d+/g)!.map(Number));
  }
  return palette;
}

/** The colour of `value` on a lo..hi scale; non-finite values get the lowest colour. */
export function heatColour(value: number, lo: number, hi: number): readonly number[] {
  const t = Number.isFinite(value) ? (value - lo) / (hi - lo || 1) : 0;
  return viridis()[Math.round(Math.min(1, Math.max(0, t)) * 255)];
}

/** The cells as a PNG data URI, one pixel per cell, row 0 at the bottom. */
export function cellImage(map: Heatmap): string {
  const png = new PNG({ width: map.cols, height: map.rows });
  for (let r = 0; r < map.rows; r++) {
    for (let c = 0; c < map.cols; c++) {
      const [red, green, blue] = heatColour(map.values[r * map.cols + c], map.lo, map.hi);
      const i = ((map.rows - 1 - r) * map.cols + c) * 4;
      png.data[i] = red;
      png.data[i + 1] = green;
      png.data[i + 2] = blue;
      png.data[i + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Pixels per cell so the plot lands near `target` pixels along an axis (1..8 per cell). */
export function cellSize(count: number, target: number): number {
  return Math.max(1, Math.min(8, Math.floor(target / count)));
}

/** Checks that `values` holds a rows × cols matrix. */
export function checkSize(name: string, values: ArrayLike<number>, rows: number, cols: number): void {
  if (!(rows > 0 && cols > 0) || values.length !== rows * cols) {
    throw new Error(`${name}: ${values.length} values do not make a ${rows}×${cols} matrix`);
  }
}

/** Lowest and highest finite value (0 and 1 when there is none). */
export function minMax(values: ArrayLike<number>): { lo: number; hi: number } {
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

/**
 * The vega spec of `map`, `cellWidth` × `cellHeight` pixels a cell. Its one image mark's URL is
 * `cellImage(map)`: pass that to writeChart as the image (vega loads images asynchronously).
 */
export function heatmapSpec(map: Heatmap, labels: HeatmapLabels, cellWidth: number, cellHeight: number): Vega.Spec {
  const width = map.cols * cellWidth;
  const height = map.rows * cellHeight;
  // Index scales: a cell spans its index ± 0.5, so integer ticks fall on cell centres.
  const indexScale = (name: string, count: number, range: 'width' | 'height'): Vega.Scale => ({
    name,
    type: 'linear',
    domain: [-0.5, count - 0.5],
    range,
    nice: false,
    zero: false,
  });
  const indexAxis = (scale: string, orient: 'bottom' | 'left', title: string, count: number): Vega.Axis => ({
    scale,
    orient,
    title,
    format: 'd',
    tickMinStep: 1,
    tickCount: Math.min(10, count),
  });
  return {
    width,
    height,
    padding: 5,
    autosize: 'pad',
    background: 'white',
    // Room for a sentence-long title (synthesis titles run to ~70 characters) even over a narrow
    // plot: the chart widens to fit it. vega measures text by estimate here, generously.
    title: { text: labels.title, subtitle: labels.subtitle, anchor: 'start', frame: 'group', limit: Math.max(width + 100, 800) },
    config: {
      title: { font: FONT, fontSize: 13, subtitleFont: FONT, subtitleFontSize: 12, subtitleColor: '#555' },
      axis: { labelFont: FONT, labelFontSize: 11, titleFont: FONT, titleFontSize: 12, titleFontWeight: 'normal' },
      legend: { labelFont: FONT, labelFontSize: 11, titleFont: FONT, titleFontWeight: 'normal' },
    },
    scales: [
      indexScale('x', map.cols, 'width'),
      indexScale('y', map.rows, 'height'),
      { name: 'colour', type: 'linear', domain: [map.lo, map.hi], range: { scheme: 'viridis' }, zero: false, nice: false },
    ],
    axes: [indexAxis('x', 'bottom', labels.x, map.cols), indexAxis('y', 'left', labels.y, map.rows)],
    legends: [{ fill: 'colour', type: 'gradient', title: labels.colour, gradientLength: Math.min(height, 200), format: '.2~f' }],
    marks: [
      {
        type: 'image',
        encode: {
          enter: {
            x: { value: 0 },
            y: { value: 0 },
            width: { value: width },
            height: { value: height },
            url: { value: cellImage(map) },
            aspect: { value: false },
            smooth: { value: false },
          },
        },
      },
    ],
  };
}
