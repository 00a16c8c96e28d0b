// Short text forms of numbers the dashboard shows: durations, rates, metric values, bars, sparklines.

/** 0.4s, 42s, 2m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A metric value in at most about 6 characters: 0.8123, 12.35, 2.00e-4. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace('e+', 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** 12.3 steps/s; below one a second, 0.42 steps/s. */
export function formatRate(perSecond: number, unit: string | undefined): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 1 ? 1 : 2;
  return `${perSecond.toFixed(digits)} ${unit ?? 'items'}/s`;
}

/** `width` cells of █ (done) and ░ (to do). */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as ▁▂▃▄▅▆▇█, scaled between their own minimum and maximum. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.filter(Number.isFinite).slice(-width);
  if (shown.length === 0) return '';
  const lo = Math.min(...shown);
  const span = Math.max(...shown) - lo;
  return shown.map((v) => SPARKS[span === 0 ? 0 : Math.round(((v - lo) / span) * (SPARKS.length - 1))]).join('');
}
