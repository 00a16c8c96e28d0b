// Turns a chart spec into the two files a picture is kept as: an SVG (vega's own rendering, crisp
// at any size, inlined by the HTML report) and a PNG beside it (resvg's rasterisation of that SVG,
// for image viewers and the artifact list). Both written atomically.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { writeFileAtomic } from '../util/atomic.ts';

// vega (~0.3 s to load) and vega-lite (~0.5 s) are loaded when first drawn with, not when this
// module is imported: whoever imports synthesis or training without drawing pays nothing, and
// `vcpipe say` (attention and mel pictures, no loss chart) never loads vega-lite.
const require = createRequire(import.meta.url);
let vegaModule: typeof Vega | undefined;
let vegaLiteModule: typeof VegaLite | undefined;
export const loadVega = (): typeof Vega => (vegaModule ??= require('vega') as typeof Vega);
const loadVegaLite = (): typeof VegaLite => (vegaLiteModule ??= require('vega-lite') as typeof VegaLite);

/**
 * Font families in order of preference: DejaVu ships with Debian (and chromium's dependencies),
 * Liberation and Arial elsewhere; resvg falls back to the first system font when none is found.
 */
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** The SVG written beside a picture's PNG. */
export const svgPathOf = (pngPath: string) => pngPath.replace(/\.png$/i, '') + '.svg';

/** vega's headless SVG renderer (exported by vega, left out of its typings). */
interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: readonly number[], scaleFactor: number): SvgStringRenderer;
  background(colour: string): SvgStringRenderer;
  render(scene: unknown): SvgStringRenderer;
  svg(): string;
}

interface SceneNode {
  marktype?: string;
  items?: SceneNode[];
  url?: string;
  image?: unknown;
}

/**
 * Image marks with data: URLs need no loading, but vega loads every image asynchronously; give
 * each image item its URL as the already loaded image, as vega's loader would once it resolved.
 */
function preloadImages(node: SceneNode): void {
  if (node.marktype === 'image') {
    for (const item of node.items ?? []) if (item.url?.startsWith('data:')) item.image = { complete: true, width: 0, height: 0, src: item.url, url: item.url };
  }
  for (const child of node.items ?? []) preloadImages(child);
}

/**
 * vega's SVG of a spec, synchronously: the callers (training, synthesis) draw inside synchronous
 * code. With inline data, vega's dataflow evaluates in `run()` without waiting, so the scenegraph
 * is complete on return. The picture's size is the one vega's autosize gave the view (`_viewWidth`
 * and `_viewHeight`, not in vega's public API), its offset the plot's origin, as `view.toSVG()`
 * uses them; test/plots asserts both give the same SVG.
 */
export function svgOf(spec: Vega.Spec): string {
  const vega = loadVega();
  const { SVGStringRenderer } = vega as unknown as { SVGStringRenderer: new (loader: Vega.Loader) => SvgStringRenderer };
  const view = new vega.View(vega.parse(spec), { renderer: 'none' }).run();
  // The typings describe the scenegraph's items, not its root.
  const { root } = view.scenegraph() as unknown as { root: SceneNode };
  const size = view as unknown as { _viewWidth: number; _viewHeight: number };
  if (!root.items?.length || !(size._viewWidth > 0)) throw new Error('vega did not lay the chart out synchronously');
  const pad = view.padding() as { top: number; bottom: number; left: number; right: number };
  const [ox, oy] = view.origin();
  preloadImages(root);
  return new SVGStringRenderer(view.loader())
    .initialize(null, size._viewWidth + pad.left + pad.right, size._viewHeight + pad.top + pad.bottom, [pad.left + ox, pad.top + oy], 1)
    .background(view.background())
    .render(root)
    .svg();
}

/** A Vega-Lite spec compiled to vega. */
export const vegaOf = (spec: VegaLite.TopLevelSpec): Vega.Spec => loadVegaLite().compile(spec).spec;

/** Writes `pngPath` and the SVG beside it. */
export function writeChart(pngPath: string, spec: Vega.Spec): void {
  const svg = svgOf(spec);
  // imageRendering 1: scale images without smoothing (vega's `smooth: false` in CSS, which resvg ignores).
  const png = new Resvg(svg, { font: { loadSystemFonts: true }, background: 'white', imageRendering: 1 }).render().asPng();
  writeFileAtomic(svgPathOf(pngPath), svg);
  writeFileAtomic(pngPath, png);
}
