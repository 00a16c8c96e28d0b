// Loss terms over training steps as a Vega-Lite line chart: log-scale loss axis, one colour per
// term in a fixed order (the legend lists them in the order given).
import type * as Vega from 'vega';
import { FONT, vegaOf } from './render.ts';

export type LossSeries = Record<string, { step: number; value: number }[]>;

/** Line colours of the loss terms, in legend order (Tableau 10, as most plotting tools use). */
export const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;

export function lossCurvesSpec(series: LossSeries, title: string): Vega.Spec {
  const terms = Object.keys(series);
  // A log axis has no place for zero, negative or missing values: those points are left out.
  const values = terms.flatMap((term) =>
    series[term].filter((p) => p.value > 0 && Number.isFinite(p.value)).map((p) => ({ term, step: p.step, value: p.value })),
  );
  return vegaOf({
    width: 640,
    height: 380,
    background: 'white',
    title: { text: title, anchor: 'start' },
    data: { values },
    mark: { type: 'line', aria: false, strokeWidth: 1.6 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: { format: ',d' } },
      y: { field: 'value', type: 'quantitative', title: 'loss (log scale)', scale: { type: 'log', nice: false }, axis: { format: '~g' } },
      color: {
        field: 'term',
        type: 'nominal',
        title: null,
        sort: terms,
        scale: { domain: terms, range: terms.map((_, i) => SERIES_COLOURS[i % SERIES_COLOURS.length]) },
      },
      order: { field: 'step', type: 'quantitative' },
    },
    config: {
      font: FONT,
      title: { fontSize: 14 },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
      legend: { labelFontSize: 12 },
    },
  });
}
