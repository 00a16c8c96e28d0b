import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCorpus, endSilence, formatCheckReport, type CheckReport } from '../../src/data/check-corpus.ts';
import { computeFeatures } from '../../src/audio/features.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { encodeWav, readWav } from '../../src/audio/wav.ts';
import type { CorpusManifest, CorpusUtterance } from '../../src/data/corpus-manifest.ts';
import { makeTempDir } from '../helpers/make-context.ts';

const SR = 16000;
const dir = makeTempDir('check-');

/** A clip of `seconds` of a 0.3-amplitude tone, with silent padding and optional clipped samples. */
function clip(id: string, text: string, seconds: number, opts: { lead?: number; tail?: number; clippedFraction?: number } = {}): CorpusUtterance {
  const lead = Math.round((opts.lead ?? 0.1) * SR);
  const body = Math.round(seconds * SR);
  const x = new Float32Array(lead + body + Math.round((opts.tail ?? 0.1) * SR));
  for (let i = 0; i < body; i++) x[lead + i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / SR);
  const clipped = Math.round((opts.clippedFraction ?? 0) * x.length);
  for (let i = 0; i < clipped; i++) x[lead + i] = i % 2 ? 1 : -1;
  const audio = join(dir, `${id}.wav`);
  writeFileSync(audio, encodeWav([x], SR));
  return { id, text, audio, sha256: '', duration: x.length / SR, sampleRate: SR };
}

const corpus = (utterances: CorpusUtterance[]): CorpusManifest => ({ kind: 'corpus', speaker: 't', utterances, skipped: [{ file: 'x.wav', reason: 'empty file' }] });

describe('checkCorpus', () => {
  // Eight clips at about fifteen characters per second, plus one of each problem.
  const normal = Array.from({ length: 8 }, (_, i) => clip(`ok${i}`, 'The cat sat on the warm mat today.', 2.1));
  const all = corpus([
    ...normal,
    clip('long', 'A very long reading of a very long passage that goes on and on for some time indeed, and then some more words follow it.', 11.5),
    clip('digits', 'Room 42 costs £5, naïve café; Straße.', 2.2),
    clip('quiet', 'Silence first and at the end, then words.', 2.5, { lead: 0.9, tail: 0.7 }),
    clip('loud', 'Too loud for the little microphone here.', 2.5, { clippedFraction: 0.01 }),
    clip('wrong', 'Yes.', 4),
  ]);
  let report: CheckReport;
  beforeAll(async () => {
    report = await checkCorpus(all);
  });

  it('sums durations and bins them into a histogram', () => {
    expect(report.utterances).toBe(13);
    expect(report.totalSeconds).toBeCloseTo(8 * 2.3 + 11.7 + 2.4 + 4.1 + 2.7 + 4.2, 3);
    expect(report.longestSeconds).toBeCloseTo(11.7, 3);
    expect(report.histogram).toHaveLength(12);
    expect(report.histogram[2]).toEqual({ from: 2, to: 3, count: 10 });
    expect(report.skipped).toBe(1);
  });

  it('lists clips over the maximum of the default config when no preprocess step is given', () => {
    expect(report.limits.step).toBeUndefined();
    expect(report.maxSeconds).toBeCloseTo(10.476, 3);
    expect(report.tooLong.map((t) => t.id)).toEqual(['long']);
    expect(report.dropped).toBe(1);
  });

  it("judges against a preprocess step's limits: frames as the features have them, and text length", async () => {
    const frames = computeFeatures(readWav(normal[0]!.audio).channels[0]!, SR, TINY_FEATURES).frames;
    const limits = (maxFrames: number, maxChars: number) => ({ step: 'features', config: TINY_FEATURES, maxFrames, maxChars });
    const tight = await checkCorpus(corpus(normal), { limits: limits(frames - 1, 64) });
    expect(tight.tooLong.map((t) => t.frames)).toEqual(Array(8).fill(frames));
    expect(tight.dropped).toBe(8);
    expect((await checkCorpus(corpus(normal), { limits: limits(frames, 64) })).dropped).toBe(0);
    // 'the cat sat on the warm mat today.' is 34 symbols, 35 with the end symbol.
    const short = await checkCorpus(corpus(normal), { limits: limits(frames, 34) });
    expect(short.textTooLong).toEqual(normal.map((u) => ({ id: u.id, symbols: 35 })));
    expect(short.dropped).toBe(8);
    const text = formatCheckReport(short);
    expect(text).toContain(`Judged against preprocess step 'features': 16000 Hz, hop 200, r 4, max_frames ${frames} (`);
    expect(text).toContain("Text longer than max_chars 34 symbols (dropped by step 'features'): 8 clips\n  ok0: 35 symbols");
    expect(text).toContain("Preprocess step 'features' will leave out 8 of 8 clips.");
  });

  it('says an emoji is not in the vocabulary, and drops a text with nothing speakable', async () => {
    const r = await checkCorpus(corpus([clip('party', 'We won 🎉 today.', 1), clip('none', '🎉🎉', 1)]), { audio: false });
    expect(r.characters).toEqual([{ char: '🎉', kind: 'other', count: 3, example: 'party' }]);
    expect(r.noText).toEqual([{ id: 'none', text: '🎉🎉' }]);
    expect(formatCheckReport(r)).toContain('"🎉" (not in the vocabulary) × 3, e.g. in party');
    expect(formatCheckReport(r)).not.toContain('(punctuation)');
  });

  it('counts characters outside the vocabulary, accents stripped first', () => {
    const byChar = Object.fromEntries(report.characters.map((c) => [c.char, [c.kind, c.count, c.example]]));
    expect(byChar).toEqual({
      ',': ['punctuation', 3, 'long'],
      '4': ['digit', 1, 'digits'],
      '2': ['digit', 1, 'digits'],
      '£': ['other', 1, 'digits'],
      '5': ['digit', 1, 'digits'],
      ';': ['punctuation', 1, 'digits'],
      'ß': ['letter', 1, 'digits'],
    });
  });

  it('finds long silence at the ends and clipping', () => {
    expect(report.silence.map((s) => s.id)).toEqual(['quiet']);
    expect(report.silence[0]!.leading).toBeCloseTo(0.9, 1);
    expect(report.silence[0]!.trailing).toBeCloseTo(0.7, 1);
    expect(report.clipping.map((c) => c.id)).toEqual(['loud']);
    expect(report.clipping[0]!.fraction).toBeCloseTo(0.01, 3);
  });

  it('flags transcripts far off the median speaking rate', () => {
    expect(report.rateOutliers.map((o) => o.id)).toEqual(['wrong']);
    expect(report.medianCharsPerSecond).toBeGreaterThan(10);
  });

  it('reports audio it cannot decode instead of failing', async () => {
    const broken = clip('broken', 'Hello there.', 1);
    writeFileSync(broken.audio, 'not audio');
    expect((await checkCorpus(corpus([broken]))).unreadable).toEqual([{ id: 'broken', reason: expect.stringContaining('not a WAV file') }]);
  });

  it('prints a readable report with bars and every finding', async () => {
    const text = formatCheckReport(report);
    expect(text).toMatch(/^13 clips, 0\.7 min of audio \(shortest 2\.3 s, median 2\.3 s, longest 11\.7 s\); 1 items skipped/);
    expect(text).toContain(`      2–3 s ${'█'.repeat(40)} 10`);
    expect(text).toContain('No preprocess step reads this corpus: judged against the default config (max_frames 210 = 10.5 s, max_chars 180)');
    expect(text).toMatch(/Longer than max_frames 210 \(10\.5 s after trimming; dropped by preprocess\): 1 clips\n {2}long: 11\.7 s, 2\d\d frames/);
    expect(text).toContain('Preprocess will leave out 1 of 13 clips.');
    expect(text).toContain('"ß" (letter: not in the vocabulary) × 1, e.g. in digits');
    expect(text).toContain('quiet: leading 0.9 s, trailing 0.7 s');
    expect(text).toContain('loud: 1.00 % of samples');
    expect(text).toMatch(/wrong: \d\.\d characters\/s: "Yes\."/);
    expect(text.trimEnd().endsWith('See the findings above.')).toBe(true);
    expect(formatCheckReport(await checkCorpus({ ...corpus(normal), skipped: [] }))).toMatch(/No problems found\.$/);
  });
});

describe('endSilence', () => {
  it('measures silent stretches at both ends and treats an all-silent clip as silent throughout', () => {
    const x = new Float32Array(SR * 2);
    x.fill(0.5, SR / 2, SR);
    expect(endSilence(x, SR)).toEqual({ leading: 0.5, trailing: 1 });
    expect(endSilence(new Float32Array(SR), SR)).toEqual({ leading: 1, trailing: 1 });
  });
});
