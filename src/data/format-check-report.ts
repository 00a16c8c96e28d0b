// The printable form of a CheckReport (what `vcpipe check-data` shows).
import type { CharacterFinding, CheckReport } from './check-corpus.ts';

const BAR_WIDTH = 40;
const LIST_LIMIT = 10;
const s1 = (x: number) => `${x.toFixed(1)} s`;

const KIND_LABEL: Record<CharacterFinding['kind'], string> = {
  punctuation: '(punctuation)',
  digit: '(digit: not in the vocabulary, write numbers out in words)',
  letter: '(letter: not in the vocabulary)',
  other: '(not in the vocabulary)',
};

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

  const l = r.limits;
  const by = l.step ? `step '${l.step}'` : 'preprocess';
  out.push(
    '',
    l.step
      ? `Judged against preprocess step '${l.step}': ${l.config.sample_rate} Hz, hop ${l.config.hop_length}, r ${l.config.r}, max_frames ${l.maxFrames} (${s1(r.maxSeconds)} after trimming silence), max_chars ${l.maxChars}`
      : `No preprocess step reads this corpus: judged against the default config (max_frames ${l.maxFrames} = ${s1(r.maxSeconds)}, max_chars ${l.maxChars})`,
  );
  const findings = [
    ...section(
      `Longer than max_frames ${l.maxFrames} (${s1(r.maxSeconds)} after trimming; dropped by ${by}): ${r.tooLong.length} clips`,
      r.tooLong.map((t) => `${t.id}: ${s1(t.duration)}, ${t.frames} frames`),
    ),
    ...section(
      `Text longer than max_chars ${l.maxChars} symbols (dropped by ${by}): ${r.textTooLong.length} clips`,
      r.textTooLong.map((t) => `${t.id}: ${t.symbols} symbols`),
    ),
    ...section(
      `No character of the vocabulary in the text (dropped by ${by}): ${r.noText.length} clips`,
      r.noText.map((t) => `${t.id}: ${JSON.stringify(t.text)}`),
    ),
    ...section(
      'Characters outside the vocabulary (read as spaces):',
      r.characters.map((c) => `${JSON.stringify(c.char)} ${KIND_LABEL[c.kind]} × ${c.count}, e.g. in ${c.example}`),
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
  out.push(
    ...findings,
    '',
    `${l.step ? `Preprocess step '${l.step}'` : 'Preprocess'} will ${r.dropped ? `leave out ${r.dropped} of ${r.utterances} clips.` : `keep all ${r.utterances} clips.`}`,
    findings.length === 0 ? 'No problems found.' : 'See the findings above.',
  );
  return out.join('\n');
}
