import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { writeAlignmentPng, writeSpectrogramPng, writeLossCurvesPng } from '../../src/plots/plots.ts';
import { heatColour, heatmapSpec } from '../../src/plots/heatmap.ts';
import { lossCurvesSpec, SERIES_COLOURS } from '../../src/plots/loss-curves.ts';
import { svgOf } from '../../src/plots/render.ts';

const dir = mkdtempSync(join(tmpdir(), 'vcpipe-plots-'));

function decode(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

function pixel(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

/** Number of dark (text-coloured) pixels in a rectangle. */
function darkPixels(png: PNG, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixel(png, x, y).every((v) => v < 90)) n++;
  return n;
}

/** The texts of an SVG, in document order. */
const textsOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** Where vega put the plot area: the translate of the chart's top group. */
function plotOrigin(svg: string): { x: number; y: number } {
  const [, x, y] = /<g fill="none" stroke-miterlimit="10" transform="translate\((\d+),(\d+)\)">/.exec(svg)!;
  return { x: Number(x), y: Number(y) };
}

/** vega numbers its gradients from a counter shared by every chart of the process. */
const sameGradients = (svg: string) => svg.replace(/gradient_\d+/g, 'gradient');

describe('svgOf', () => {
  it("draws synchronously exactly what vega's own asynchronous toSVG draws", async () => {
    const matrix = new Float32Array(12 * 30).map((_, i) => (i % 7) / 6);
    const specs = [
      heatmapSpec({ values: matrix, rows: 12, cols: 30, lo: 0, hi: 1 }, { title: 'a', subtitle: 'step 3', x: 'x', y: 'y', colour: 'c' }, 8, 8),
      lossCurvesSpec({ loss: [1, 2, 3].map((s) => ({ step: s, value: 1 / s })) }, 'loss'),
    ];
    for (const spec of specs) {
      const theirs = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
      expect(sameGradients(svgOf(spec))).toBe(sameGradients(theirs));
    }
  });
});

describe('writeAlignmentPng', () => {
  const rows = 20;
  const cols = 40;
  const matrix = new Float32Array(rows * cols);
  // Text position r is attended at frames 2r and 2r+1: a diagonal.
  for (let r = 0; r < rows; r++) matrix[r * cols + 2 * r] = matrix[r * cols + 2 * r + 1] = 1;
  const path = join(dir, 'alignment.png');
  writeAlignmentPng(path, matrix, rows, cols, { title: 'Alignment', step: 1200 });
  const png = decode(path);
  const svg = readFileSync(join(dir, 'alignment.svg'), 'utf8');
  const origin = plotOrigin(svg);
  const bright = heatColour(1, 0, 1);

  it('writes an SVG beside the PNG with the title, the step and both axes titled', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['Alignment', 'step 1200', 'decoder frame', 'text position', 'weight']));
    // 8 px a cell: 40 columns, 20 rows.
    expect(svg).toMatch(/<image xlink:href="data:image\/png;base64,[^"]+" transform="translate\(0,0\)" width="320" height="160"/);
  });

  it('puts the bright cells on the diagonal in the PNG, text position 0 at the bottom', () => {
    expect(png.width).toBeGreaterThan(320 + 40);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const [x, y] = [origin.x + c * 8 + 4, origin.y + (rows - 1 - r) * 8 + 4];
        expect(pixel(png, x, y), `row ${r} col ${c}`).toEqual(c === 2 * r || c === 2 * r + 1 ? bright : heatColour(0, 0, 1));
      }
    }
  });

  it('draws the cells sharp: each is one flat 8×8 block, not blurred into its neighbours', () => {
    // The corners of the bright cell at row 0, column 0 and of the dark cell beside it at column 2.
    const top = origin.y + (rows - 1) * 8;
    for (const [dx, dy] of [[0, 0], [7, 0], [0, 7], [15, 7]]) expect(pixel(png, origin.x + dx, top + dy)).toEqual(bright);
    expect(pixel(png, origin.x + 16, top + 7)).toEqual(heatColour(0, 0, 1));
  });

  it('renders the text into the PNG', () => {
    expect(darkPixels(png, 0, 0, png.width, origin.y)).toBeGreaterThan(150); // title and step
    expect(darkPixels(png, 0, origin.y + 160 + 4, png.width, png.height)).toBeGreaterThan(150); // ticks and axis title
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => writeAlignmentPng(join(dir, 'bad.png'), new Float32Array(5), 2, 3, { title: 't' })).toThrow(/2×3/);
  });

  it('writes atomically (no temp file left behind)', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeSpectrogramPng', () => {
  it('draws mel band 0 at the bottom, frames across, on one colour scale from the lowest to the highest value', () => {
    const frames = 50;
    const bands = 20;
    const ramp = new Float32Array(frames * bands);
    for (let f = 0; f < frames; f++) for (let b = 0; b < bands; b++) ramp[f * bands + b] = -80 + (60 * b) / (bands - 1);
    const path = join(dir, 'mel.png');
    writeSpectrogramPng(path, ramp, frames, bands, { title: 'Synthesis' });
    const svg = readFileSync(join(dir, 'mel.svg'), 'utf8');
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['Synthesis', 'frame', 'mel band']));
    const png = decode(path);
    const origin = plotOrigin(svg);
    expect(pixel(png, origin.x + 3, origin.y + 3)).toEqual(heatColour(1, 0, 1)); // top band: -20, the highest
    expect(pixel(png, origin.x + frames * 8 - 3, origin.y + bands * 8 - 3)).toEqual(heatColour(0, 0, 1));
  });
});

describe('writeLossCurvesPng', () => {
  const path = join(dir, 'loss.png');
  const series = {
    l1: Array.from({ length: 50 }, (_, i) => ({ step: i * 100, value: 2 * Math.exp(-i / 10) })),
    bd: Array.from({ length: 50 }, (_, i) => ({ step: i * 100, value: 0.5 })),
    att: Array.from({ length: 50 }, (_, i) => ({ step: i * 100, value: 0.01 + i * 0.001 })),
  };
  writeLossCurvesPng(path, series, { title: 'Text2Mel loss' });
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');

  /** The points of the line drawn in `colour`, in SVG coordinates (y grows downwards). */
  function line(colour: string): { x: number; y: number }[] {
    const d = new RegExp(`<path d="(M[^"]+)" stroke="${colour}"`).exec(svg)![1];
    return d
      .slice(1)
      .split('L')
      .map((p) => p.split(',').map(Number))
      .map(([x, y]) => ({ x, y }));
  }

  it('titles the chart and both axes, and names each term in the legend', () => {
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['Text2Mel loss', 'step', 'loss (log scale)', 'l1', 'bd', 'att']));
    const png = decode(path);
    expect(png.width).toBeGreaterThan(640);
  });

  it('draws a falling loss falling, a constant one flat and a rising one climbing, in the legend colours', () => {
    const [falling, flat, rising] = SERIES_COLOURS.slice(0, 3).map(line);
    for (const points of [falling, flat, rising]) expect(points).toHaveLength(50);
    for (let i = 1; i < 50; i++) {
      expect(falling[i].y).toBeGreaterThan(falling[i - 1].y);
      expect(flat[i].y).toBeCloseTo(flat[0].y, 6);
      expect(rising[i].y).toBeLessThan(rising[i - 1].y);
    }
  });

  it('is straight on the log scale for an exponential decay', () => {
    const falling = line(SERIES_COLOURS[0]);
    const [a, mid, b] = [falling[0], falling[24], falling[48]];
    expect(mid.y).toBeCloseTo((a.y + b.y) / 2, 3);
  });

  it('leaves out points a log axis cannot show instead of failing', () => {
    const odd = join(dir, 'odd.png');
    writeLossCurvesPng(odd, { loss: [{ step: 0, value: 0 }, { step: 1, value: Number.NaN }, { step: 2, value: 1 }, { step: 3, value: 0.5 }] }, { title: 't' });
    const oddSvg = readFileSync(join(dir, 'odd.svg'), 'utf8');
    expect(/<path d="M([^"]+)" stroke="#1f77b4"/.exec(oddSvg)![1].split('L')).toHaveLength(2);
  });
});
