import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  writeAlignmentPng,
  writeSpectrogramPairPng,
  writeSpectrogramPng,
  writeLossCurvesPng,
  heatColour,
  SERIES_COLOURS,
  fitTitle,
} from '../../src/plots/plots.ts';
import { textWidth } from '../../src/plots/font.ts';

const dir = mkdtempSync(join(tmpdir(), 'vcpipe-plots-'));

function decode(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

function pixel(png: PNG, x: number, y: number): [number, number, number] {
  const i = (y * png.width + x) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Number of dark (text-coloured) pixels in a rectangle. */
function darkPixels(png: PNG, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixel(png, x, y).every((v) => v < 60)) n++;
  return n;
}

/** Bounding box of the pixels of one exact colour. */
function colourBox(png: PNG, colour: readonly number[]): { x0: number; y0: number; x1: number; y1: number; count: number } {
  const box = { x0: Infinity, y0: Infinity, x1: -1, y1: -1, count: 0 };
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (!same(pixel(png, x, y), colour)) continue;
      box.count++;
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x);
      box.y1 = Math.max(box.y1, y);
    }
  }
  return box;
}

describe('writeAlignmentPng', () => {
  const rows = 20;
  const cols = 40;
  const matrix = new Float32Array(rows * cols);
  // Text position r is attended at frames 2r and 2r+1: a diagonal.
  for (let r = 0; r < rows; r++) matrix[r * cols + 2 * r] = matrix[r * cols + 2 * r + 1] = 1;
  const path = join(dir, 'alignment.png');
  writeAlignmentPng(path, matrix, rows, cols, { title: 'Alignment', step: 1200 });
  const png = decode(path);
  const bright = heatColour(1);

  it('sizes the picture from the matrix plus margins', () => {
    // 40 columns -> 8 px each (capped), 20 rows -> 8 px each, margins 56+16 and 34+40.
    expect(png.width).toBe(56 + 40 * 8 + 16);
    expect(png.height).toBe(34 + 20 * 8 + 40);
  });

  it('puts the bright cells on the diagonal, text position 0 at the bottom', () => {
    const box = colourBox(png, bright);
    expect(box.count).toBe(rows * 2 * 64);
    for (let r = 0; r < rows; r++) {
      const y = 34 + (rows - 1 - r) * 8 + 4;
      for (let c = 0; c < cols; c++) {
        const isBright = same(pixel(png, 56 + c * 8 + 4, y), bright);
        expect(isBright, `row ${r} col ${c}`).toBe(c === 2 * r || c === 2 * r + 1);
      }
    }
  });

  it('draws the title and the axis labels', () => {
    expect(darkPixels(png, 56, 0, png.width, 34)).toBeGreaterThan(200);
    // The x-axis label below the tick numbers, the y-axis label down the left edge.
    expect(darkPixels(png, 56, 34 + 160 + 16, png.width, png.height)).toBeGreaterThan(40);
    expect(darkPixels(png, 0, 34, 14, 34 + 160)).toBeGreaterThan(40);
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => writeAlignmentPng(join(dir, 'bad.png'), new Float32Array(5), 2, 3, { title: 't' })).toThrow(/2×3/);
  });

  it('writes atomically (no temp file left behind)', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('mel spectrogram pictures', () => {
  const frames = 50;
  const bands = 20;
  const ramp = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) for (let b = 0; b < bands; b++) ramp[f * bands + b] = b / (bands - 1);

  it('stacks predicted above target with one colour scale', () => {
    const path = join(dir, 'pair.png');
    writeSpectrogramPairPng(path, ramp, new Float32Array(frames * bands), frames, bands, { title: 'Mel', step: 3 });
    const png = decode(path);
    const cell = 8;
    expect(png.width).toBe(56 + frames * cell + 16);
    const panel = 14 + bands * cell + 40;
    expect(png.height).toBe(34 + 2 * panel);
    // Predicted: highest band (drawn at the top) is the brightest colour; target is all zeros (darkest).
    const predictedTop = 34 + 14;
    expect(pixel(png, 60, predictedTop + 2)).toEqual(heatColour(1));
    expect(pixel(png, 60, predictedTop + bands * cell - 2)).toEqual(heatColour(0));
    expect(pixel(png, 60, predictedTop + panel + 2)).toEqual(heatColour(0));
    expect(darkPixels(png, 56, 0, png.width, 30)).toBeGreaterThan(100);
  });

  it('draws one synthesised mel', () => {
    const path = join(dir, 'mel.png');
    writeSpectrogramPng(path, ramp, frames, bands, { title: 'Synthesis' });
    const png = decode(path);
    expect(png.height).toBe(34 + bands * 8 + 40);
    expect(pixel(png, 60, 36)).toEqual(heatColour(1));
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
  const png = decode(path);

  /** Mean y of the pixels of `colour` in each column inside the plot area (legend excluded). */
  function curve(colour: readonly number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (let x = 70; x < 600; x++) {
      const ys: number[] = [];
      for (let y = 34; y < png.height - 40; y++) if (same(pixel(png, x, y), colour)) ys.push(y);
      if (ys.length) out.set(x, ys.reduce((a, b) => a + b, 0) / ys.length);
    }
    return out;
  }

  it('is 800×480 with a title', () => {
    expect([png.width, png.height]).toEqual([800, 480]);
    expect(darkPixels(png, 56, 0, 400, 30)).toBeGreaterThan(100);
  });

  it('draws a decreasing loss as a falling curve, a constant one flat, a rising one climbing', () => {
    const falling = [...curve(SERIES_COLOURS[0]).values()];
    const flat = [...curve(SERIES_COLOURS[1]).values()];
    const rising = [...curve(SERIES_COLOURS[2]).values()];
    expect(falling.length).toBeGreaterThan(400);
    for (let i = 1; i < falling.length; i++) expect(falling[i]).toBeGreaterThanOrEqual(falling[i - 1] - 0.5);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThanOrEqual(1);
    for (let i = 1; i < rising.length; i++) expect(rising[i]).toBeLessThanOrEqual(rising[i - 1] + 0.5);
  });

  it('is straight on a log scale for an exponential decay', () => {
    const falling = curve(SERIES_COLOURS[0]);
    const xs = [...falling.keys()];
    const a = falling.get(xs[0])!;
    const mid = falling.get(xs[Math.floor(xs.length / 2)])!;
    const b = falling.get(xs[xs.length - 1])!;
    expect(Math.abs(mid - (a + b) / 2)).toBeLessThan(3);
  });

  it('draws a legend swatch for each term', () => {
    for (const colour of SERIES_COLOURS.slice(0, 3)) {
      const box = colourBox(png, colour);
      expect(box.x1).toBeGreaterThan(700);
    }
  });
});

describe('titles', () => {
  it('drop to the small font rather than run off the picture, and are cut with ... only when even that is too wide', () => {
    const title = 'attention (first validation utterance)  step 8000';
    expect(fitTitle(title, 2000)).toEqual({ text: title, scale: 2 });
    expect(fitTitle(title, 512)).toEqual({ text: title, scale: 1 }); // the step number stays visible
    const cut = fitTitle(title, 200);
    expect(cut.scale).toBe(1);
    expect(cut.text.endsWith('...')).toBe(true);
    expect(title.startsWith(cut.text.slice(0, -3))).toBe(true);
    expect(textWidth(cut.text)).toBeLessThanOrEqual(200);
  });
});
