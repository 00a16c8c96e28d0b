// The work of the `evaluate` step: what a listener would judge, measured on every synthesised
// sentence.
// - intelligibility: word error rate of an offline recogniser (pocketsphinx) against the text,
//   with a seeded 95% bootstrap interval over the sentences (wer-interval.ts), beside the same
//   recogniser's WER on the teacher's rendering of the same sentences;
// - speaker similarity (cloning): median F0 and mean mel-cepstrum distance to held-out clips of a
//   target and of a base speaker;
// - signal sanity: seconds per character, silence share, clipping share.
// Writes evaluation.json and evaluation.md; the headline numbers also go out as metrics.
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import type { WorkContext } from '../util/work-context.ts';
import { UserError } from '../errors.ts';
import { readWav, mixToMono } from '../audio/wav.ts';
import { readCorpus, type CorpusUtterance } from '../data/corpus-manifest.ts';
import { readSynthesis } from '../synthesis/synthesis-index.ts';
import { recognize, recognizerMissing } from './recognizer.ts';
import { signalSanity } from './signal-sanity.ts';
import type { EvaluatedSentence, EvaluationDoc } from './evaluation-doc.ts';
import { compareVoices, voiceProfile, type VoiceProfile } from './voice-profile.ts';
import { corpusWer, wordEditDistance, wordsOf } from './wer.ts';
import { bootstrapWerInterval } from './wer-interval.ts';

/** The `with:` block of the `evaluate` step. */
export interface EvaluateParams {
  /** The synthesize step whose WAVs are judged. */
  synthesis: string;
  /** A corpus step holding the teacher's own audio of the same sentences (matched by text). */
  reference?: string;
  /** Corpus steps of the target and base speakers, for speaker similarity (both or neither). */
  target?: string;
  base?: string;
  /** Clips of each speaker corpus used for its profile. */
  speaker_clips?: number;
  recognizer?: 'pocketsphinx' | 'none';
  /**
   * Also score the teacher's recordings (reference) taken through the trained networks part of the
   * way (stage-probe.ts): teacher-forced Text2Mel → SSRN, the true mel → SSRN, and the true
   * magnitude → Griffin-Lim. Needs reference, text2mel and ssrn.
   */
  stages?: boolean;
  /** The train-text2mel and train-ssrn steps the synthesis spoke with (in needs), for `stages`. */
  text2mel?: string;
  ssrn?: string;
}

/** Sentences compare equal when they read the same words. */
const key = (text: string) => text.toLowerCase().replace(/[^a-z']+/g, ' ').trim();

/** What the work reads of the `evaluate` step's context. */
export type EvaluateContext = WorkContext & { params: EvaluateParams; inputs: Record<string, string>; outDir: string; backend: string };

function inputOf(ctx: EvaluateContext, param: keyof EvaluateParams): string {
  const step = ctx.params[param] as string;
  const dir = ctx.inputs[step];
  if (!dir) throw new UserError(`evaluate: ${param} '${step}' must also be listed in needs`);
  return dir;
}

// Whole numbers (counts) as they are; measures to `digits` decimals.
const fmt = (v: number | undefined, digits = 3) => (v === undefined || Number.isNaN(v) ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits));

export async function evaluateSynthesis(ctx: EvaluateContext): Promise<void> {
  const p = ctx.params;
  const synthDir = inputOf(ctx, 'synthesis');
  const synth = readSynthesis(synthDir);
  if (synth.sentences.length === 0) throw new UserError(`evaluate: ${p.synthesis} produced no sentences to judge`);
  const wavs = synth.sentences.map((s) => join(synthDir, s.wav));
  // The synthesised voice's profile serves both the F0 beside the teacher and speaker similarity.
  let own: Promise<VoiceProfile> | undefined;
  const ownProfile = () => (own ??= voiceProfile(wavs));

  const rows = synth.sentences.map((s, i) => {
    const wav = readWav(wavs[i]);
    return { id: s.id, text: s.text, ...signalSanity(mixToMono(wav.channels), wav.sampleRate, s.text) };
  });

  let references: (CorpusUtterance | undefined)[] = [];
  if (p.reference) {
    const byText = new Map(readCorpus(inputOf(ctx, 'reference')).utterances.map((u) => [key(u.text), u]));
    references = synth.sentences.map((s) => byText.get(key(s.text)));
    const missing = references.filter((r) => !r).length;
    if (missing) ctx.warn(`evaluate: ${missing} of ${references.length} sentences have no reference audio in ${p.reference}`);
  }

  const summary: Record<string, number | string | boolean> = { sentences: rows.length };
  const perSentence: EvaluatedSentence[] = rows.map((r, i) => ({ ...r, ...(references[i] ? { reference_id: references[i]!.id } : {}) }));
  const recognizerNote = p.recognizer === 'none' ? 'recogniser switched off (recognizer: none)' : await recognizerMissing();
  if (recognizerNote) {
    ctx.warn(`evaluate: word error rate skipped — ${recognizerNote}`);
    summary.wer_note = recognizerNote;
  } else {
    ctx.progress(0, 2, 'sets');
    const hyps = await recognize(wavs);
    summary.wer = corpusWer(synth.sentences.map((s, i) => ({ reference: s.text, hypothesis: hyps[i] })));
    const errors = hyps.map((h, i) => ({ edits: wordEditDistance(wordsOf(rows[i].text), wordsOf(h)), words: wordsOf(rows[i].text).length }));
    errors.forEach((e, i) => {
      perSentence[i].hypothesis = hyps[i];
      perSentence[i].wer = e.edits / Math.max(1, e.words);
    });
    const interval = bootstrapWerInterval(errors);
    summary.wer_ci95_low = interval.low;
    summary.wer_ci95_high = interval.high;
    ctx.metric('wer', summary.wer as number);
    ctx.progress(1, 2, 'sets');
    const withRef = references.map((r, i) => ({ r, i })).filter((x): x is { r: CorpusUtterance; i: number } => !!x.r);
    if (withRef.length) {
      const refHyps = await recognize(withRef.map((x) => x.r.audio));
      summary.reference_wer = corpusWer(withRef.map((x, j) => ({ reference: rows[x.i].text, hypothesis: refHyps[j] })));
      summary.wer_same_sentences = corpusWer(withRef.map((x) => ({ reference: rows[x.i].text, hypothesis: hyps[x.i] })));
      withRef.forEach((x, j) => (perSentence[x.i].reference_hypothesis = refHyps[j]));
      ctx.metric('reference_wer', summary.reference_wer as number);
    }
    ctx.progress(2, 2, 'sets');
    if (withRef.length) {
      summary.median_f0 = (await ownProfile()).medianF0;
      summary.reference_median_f0 = (await voiceProfile(withRef.map((x) => x.r.audio))).medianF0;
    }
    if (p.stages) Object.assign(summary, await scoreStages(ctx, withRef.map((x) => ({ text: rows[x.i].text, audio: x.r.audio }))));
  }

  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  summary.seconds_per_char = mean((r) => r.secondsPerChar);
  summary.silence_share = mean((r) => r.silenceShare);
  summary.clipping_share = mean((r) => r.clippingShare);
  for (const k of ['seconds_per_char', 'silence_share', 'clipping_share']) ctx.metric(k, summary[k] as number);

  let similarity: ReturnType<typeof compareVoices> | undefined;
  if (p.target || p.base) {
    if (!p.target || !p.base) throw new UserError('evaluate: speaker similarity needs both target and base corpus steps');
    const clips = p.speaker_clips ?? 20;
    const profileOf = (param: 'target' | 'base') =>
      voiceProfile(readCorpus(inputOf(ctx, param)).utterances.slice(0, clips).map((u) => u.audio));
    const [mine, target, base] = [await ownProfile(), await profileOf('target'), await profileOf('base')];
    similarity = compareVoices(mine, target, base);
    Object.assign(summary, {
      median_f0: mine.medianF0,
      target_median_f0: target.medianF0,
      base_median_f0: base.medianF0,
      closer_to_target: similarity.closerToTarget,
    });
    ctx.metric('cepstral_distance_target', similarity.cepstralDistance.target);
    ctx.metric('cepstral_distance_base', similarity.cepstralDistance.base);
    ctx.metric('closer_to_target', similarity.closerToTarget ? 1 : 0);
  }

  const doc: EvaluationDoc = { kind: 'evaluation', speaker: synth.speaker, summary, similarity, sentences: perSentence };
  writeJsonAtomic(join(ctx.outDir, 'evaluation.json'), doc);
  writeFileAtomic(join(ctx.outDir, 'evaluation.md'), markdown(summary, similarity, perSentence, fmt));
  ctx.artifact(join(ctx.outDir, 'evaluation.md'), 'table', 'evaluation');
  ctx.log(
    `evaluate: ${rows.length} sentences, WER ${fmt(summary.wer as number)}` +
      (summary.reference_wer !== undefined ? ` (teacher ${fmt(summary.reference_wer as number)})` : '') +
      (similarity ? `, ${similarity.closerToTarget ? 'closer to target' : 'not closer to target'}` : ''),
  );
}

/** WER and median F0 of the teacher's recordings through part of the voice (stage-probe.ts). */
async function scoreStages(ctx: EvaluateContext, references: { text: string; audio: string }[]): Promise<Record<string, number>> {
  const p = ctx.params;
  if (!p.reference || !p.text2mel || !p.ssrn) throw new UserError('evaluate: stages: true needs reference, text2mel and ssrn');
  const { probeStages } = await import('./stage-probe.ts');
  const { selectBackend } = await import('../models/backend.ts');
  await selectBackend(ctx.backend, ctx.log);
  const stages = await probeStages({ text2melDir: inputOf(ctx, 'text2mel'), ssrnDir: inputOf(ctx, 'ssrn'), which: 'latest', references, outDir: join(ctx.outDir, 'stages') });
  const out: Record<string, number> = {};
  for (const [name, paths] of [['teacher_forced', stages.teacherForced], ['true_mel', stages.trueMel], ['true_mag', stages.trueMag]] as const) {
    const hyps = await recognize(paths);
    out[`${name}_wer`] = corpusWer(references.map((r, i) => ({ reference: r.text, hypothesis: hyps[i] })));
    out[`${name}_median_f0`] = (await voiceProfile(paths)).medianF0;
    ctx.metric(`${name}_wer`, out[`${name}_wer`]);
  }
  return out;
}

function markdown(
  summary: Record<string, number | string | boolean>,
  similarity: EvaluationDoc['similarity'],
  sentences: EvaluatedSentence[],
  f: (v: number | undefined, d?: number) => string,
): string {
  const lines = ['# Evaluation', '', '| measure | value |', '|---|---|'];
  for (const [k, v] of Object.entries(summary)) lines.push(`| ${k} | ${typeof v === 'number' ? f(v) : String(v)} |`);
  if (similarity) {
    lines.push('', '| speaker distance | to target | to base |', '|---|---|---|');
    lines.push(`| median F0, semitones | ${f(similarity.f0Semitones.target, 2)} | ${f(similarity.f0Semitones.base, 2)} |`);
    lines.push(`| mean mel-cepstrum, euclidean | ${f(similarity.cepstralDistance.target, 2)} | ${f(similarity.cepstralDistance.base, 2)} |`);
  }
  lines.push('', '| sentence | heard | WER | s/char |', '|---|---|---|---|');
  for (const s of sentences) lines.push(`| ${s.text} | ${s.hypothesis ?? '–'} | ${f(s.wer, 2)} | ${f(s.secondsPerChar, 3)} |`);
  return lines.join('\n') + '\n';
}
