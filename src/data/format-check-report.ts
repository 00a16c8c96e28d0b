// The printable form of a CheckReport (what `vcpipe check-data` shows).
import type { CheckReport } from './check-corpus.ts';

const BAR_WIDTH = 40;
const LIST_LIMIT = 10;
const s1 = (x: number) => `${x.toFixed(1)} s`;

function minutes(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 60).toFixed(1)} min`;
}

/** A section title with its first `LIST_LIMIT` lines and a count of the rest. */
function section(title: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  const more = lines.length > LIST_LIMIT ? [`  … and ${lines.length - LIST_LIMIT} more`] : [];
  return ['', title, ...lines.slice(0, LIST_LIMIT).map((l) => `  ${l}`), ...more];
}

export function formatCheckReport(r: CheckReport): string {
  const out = [
    `${r.utterances} clips, ${minutes(r.totalSeconds)} of audio ` +
      `(shortest ${s1(r.shortestSeconds)}, median ${s1(r.medianSeconds)}, longest ${s1(r.longestSeconds)})` +
      (r.skipped ? `; ${r.skipped} items skipped when the corpus was read` : ''),
    '',
    'Clip lengths',
  ];
  const peak = Math.max(1, ...r.histogram.map((b) => b.count));
  const label = (b: { from: number; to: number }) => `${b.from}–${b.to} s`.padStart(9);
  for (const b of r.histogram) out.push(`  ${label(b)} ${'█'.repeat(Math.round((b.count / peak) * BAR_WIDTH)).padEnd(BAR_WIDTH)} ${b.count}`);

  const findings = [
    ...section(
      `Longer than the model's maximum of ${s1(r.maxSeconds)} (left out of training): ${r.tooLong.length} clips`,
      r.tooLong.map((t) => `${t.id}: ${s1(t.duration)}`),
    ),
    ...section(
      'Characters outside the vocabulary (will be dropped or expanded):',
      r.characters.map((c) => `${JSON.stringify(c.char)} (${c.kind}) × ${c.count}, e.g. in ${c.example}`),
    ),
    ...section(
      `Long silence at an end (over 0.5 s below −40 dBFS): ${r.silence.length} clips`,
      r.silence.map((s) => `${s.id}: leading ${s1(s.leading)}, trailing ${s1(s.trailing)}`),
    ),
    ...section(
      `Clipping (over 0.1 % of samples at full scale): ${r.clipping.length} clips`,
      r.clipping.map((c) => `${c.id}: ${(c.fraction * 100).toFixed(2)} % of samples`),
    ),
    ...section(
      `Speaking rate far from the median of ${r.medianCharsPerSecond.toFixed(1)} characters/s (wrong transcript?): ${r.rateOutliers.length} clips`,
      r.rateOutliers.map((o) => `${o.id}: ${o.charsPerSecond.toFixed(1)} characters/s: "${o.text}"`),
    ),
    ...section(`Audio that could not be decoded: ${r.unreadable.length} clips`, r.unreadable.map((u) => `${u.id}: ${u.reason}`)),
  ];
  out.push(...findings, '', findings.length === 0 ? 'No problems found.' : 'See the findings above.');
  return out.join('\n');
}
