import { describe, it, expect } from 'vitest';
import { formatDuration, formatRate, formatValue, progressBar, sparkline } from '../../src/ui/dashboard/format.ts';
import { shadeAlignment, parseAlignmentMatrix } from '../../src/ui/dashboard/heatmap.ts';

describe('dashboard formats', () => {
  it('writes durations short', () => {
    expect([0.42, 42.7, 125, 3725, -1].map(formatDuration)).toEqual(['0.4s', '42s', '2m05s', '1h02m', '?']);
  });

  it('writes metric values in a few characters', () => {
    expect([0.81234, 12.3456, 0.0002, 0, 6000, 123456].map(formatValue)).toEqual(['0.8123', '12.35', '2.00e-4', '0', '6000', '1.23e5']);
  });

  it('writes rates with their unit', () => {
    expect(formatRate(12.34, 'utterances')).toBe('12.3 utterances/s');
    expect(formatRate(0.4211, 'sentences')).toBe('0.42 sentences/s');
    expect(formatRate(250, undefined)).toBe('250 items/s');
  });

  it('draws bars and sparklines', () => {
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(2, 4)).toBe('████');
    expect(sparkline([8, 7, 6, 5, 4, 3, 2, 1], 8)).toBe('█▇▆▅▄▃▂▁');
    expect(sparkline([1, 2, 3], 2)).toBe('▁█');
    expect(sparkline([5, 5], 4)).toBe('▁▁');
  });
});

describe('shadeAlignment', () => {
  it('max-pools a diagonal into the requested cells, last text position on top', () => {
    const n = 24;
    const data = Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
    expect(shadeAlignment({ rows: n, cols: n, data }, 6, 6)).toEqual(['     █', '    █ ', '   █  ', '  █   ', ' █    ', '█     ']);
  });

  it('keeps a small matrix at its size and shades by value', () => {
    expect(shadeAlignment({ rows: 1, cols: 5, data: [0, 0.25, 0.5, 0.75, 1] }, 40, 12)).toEqual([' ░▒▓█']);
  });

  it('rejects documents that are not a matrix', () => {
    expect(() => parseAlignmentMatrix({ rows: 2, cols: 2, data: [1, 2, 3] })).toThrow(/rows\*cols/);
    expect(parseAlignmentMatrix({ rows: 1, cols: 2, data: [1, 2] }).cols).toBe(2);
  });
});
