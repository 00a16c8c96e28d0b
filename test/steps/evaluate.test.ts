// The evaluate step on real audio: flite renderings stand in for synthesised WAVs, so the
// recogniser's WER and the speaker verdict have known right answers.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, linkSync } from 'node:fs';
import { join, basename } from 'node:path';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import { evaluateStep } from '../../src/steps/evaluate.ts';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import { readWav } from '../../src/audio/wav.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please open the window before the sun goes down.',
  'We walked along the river until the rain stopped.',
  'My sister bought fresh bread at the corner shop.',
];

async function corpus(root: string, name: string, voice: string, cacheDir: string, sentences = SENTENCES): Promise<string> {
  const list = join(root, `${name}.txt`);
  writeFileSync(list, sentences.join('\n') + '\n');
  const ctx = makeContext({ engine: 'flite' as const, voice, sentences: list }, { cacheDir, projectDir: root });
  await speechCorpus.run(ctx);
  return ctx.outDir;
}

/** A synthesis.json over a corpus's WAVs, as if a model had spoken them. */
function synthesisFrom(corpusDir: string, root: string): string {
  const dir = join(root, `synth-${basename(corpusDir)}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, 'wavs'), { recursive: true });
  const c = readCorpus(corpusDir);
  const sentences = c.utterances.map((u) => {
    linkSync(u.audio, join(dir, 'wavs', `${u.id}.wav`));
    return { id: u.id, text: u.text, wav: `wavs/${u.id}.wav`, seconds: u.duration, frames: 0 };
  });
  writeFileSync(join(dir, 'synthesis.json'), JSON.stringify({ kind: 'synthesis', speaker: c.speaker, sampleRate: 16000, sentences, failed: [] }));
  return dir;
}

describe('evaluate step', () => {
  it('scores intelligibility beside the teacher and judges which speaker a voice is closer to', async () => {
    const root = makeTempDir();
    const cacheDir = join(root, 'cache');
    const rms = await corpus(root, 'rms', 'rms', cacheDir);
    const slt = await corpus(root, 'slt', 'slt', cacheDir);
    const synth = synthesisFrom(slt, root);

    const ctx = makeContext(
      { synthesis: 'speak', reference: 'teacher', target: 'target', base: 'base' },
      { inputs: { speak: synth, teacher: slt, target: slt, base: rms } },
    );
    await evaluateStep.run(ctx);
    const result = JSON.parse(readFileSync(join(ctx.outDir, 'evaluation.json'), 'utf8'));
    // flite's voices are well understood by pocketsphinx (about 0.1–0.2 WER on such sentences).
    expect(result.summary.wer).toBeLessThan(0.35);
    expect(result.summary.reference_wer).toBe(result.summary.wer);
    // The 95% bootstrap interval holds the WER (over sentences of differing error rates: wider than a point).
    expect(result.summary.wer_ci95_low).toBeLessThanOrEqual(result.summary.wer);
    expect(result.summary.wer_ci95_high).toBeGreaterThanOrEqual(result.summary.wer);
    expect(result.summary.wer_ci95_low).toBeGreaterThanOrEqual(0);
    expect(result.summary.closer_to_target).toBe(true);
    expect(result.summary.median_f0).toBeGreaterThan(140);
    expect(result.sentences).toHaveLength(4);
    expect(result.sentences[0].hypothesis.length).toBeGreaterThan(0);
    // Each sentence names the teacher's utterance of it, for the report's side-by-side players.
    const teacher = readCorpus(slt).utterances;
    expect(result.sentences.map((s: { text: string; reference_id: string }) => teacher.find((u) => u.id === s.reference_id)?.text)).toEqual(SENTENCES);
    expect(readFileSync(join(ctx.outDir, 'evaluation.md'), 'utf8')).toMatch(/\| wer \| 0\.\d{3} \|/);
    expect(readFileSync(join(ctx.outDir, 'evaluation.md'), 'utf8')).toMatch(/\| wer_ci95_high \| 0\.\d{3} \|/);
    expect(ctx.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['wer', 'reference_wer', 'closer_to_target']));

    // The same clips judged against swapped roles: now not closer to the "target".
    const swapped = makeContext(
      { synthesis: 'speak', target: 'target', base: 'base', recognizer: 'none' as const },
      { inputs: { speak: synth, target: rms, base: slt } },
    );
    await evaluateStep.run(swapped);
    const again = JSON.parse(readFileSync(join(swapped.outDir, 'evaluation.json'), 'utf8'));
    expect(again.summary.closer_to_target).toBe(false);
    expect(again.summary.wer).toBeUndefined();
    expect(swapped.warnings.join('\n')).toMatch(/word error rate skipped/);
  });

  it('scores garbled audio as unintelligible', async () => {
    const root = makeTempDir();
    const rms = await corpus(root, 'rms', 'rms', join(root, 'cache'), SENTENCES.slice(0, 2));
    const synth = synthesisFrom(rms, root);
    // Reverse each WAV's samples in place: same voice, same spectrum, no words.
    const c = JSON.parse(readFileSync(join(synth, 'synthesis.json'), 'utf8'));
    for (const s of c.sentences) {
      const path = join(synth, s.wav);
      const b = Buffer.from(readFileSync(path));
      const pcm = b.subarray(44);
      const n = pcm.length / 2;
      const rev = Buffer.alloc(pcm.length);
      for (let i = 0; i < n; i++) rev.writeInt16LE(pcm.readInt16LE(2 * i), 2 * (n - 1 - i));
      writeFileSync(path + '.tmp', Buffer.concat([b.subarray(0, 44), rev]));
      writeFileSync(path, readFileSync(path + '.tmp'));
    }
    const ctx = makeContext({ synthesis: 'speak' }, { inputs: { speak: synth } });
    await evaluateStep.run(ctx);
    const result = JSON.parse(readFileSync(join(ctx.outDir, 'evaluation.json'), 'utf8'));
    expect(result.summary.wer).toBeGreaterThan(0.6);
  });

  it('refuses a synthesis step that is not among its inputs', async () => {
    const ctx = makeContext({ synthesis: 'speak' }, { inputs: {} });
    await expect(evaluateStep.run(ctx)).rejects.toThrow(/synthesis 'speak' must also be listed in needs/);
  });
});

describe('evaluate step: stages', () => {
  it("takes the teacher's recordings through the trained networks: teacher-forced Text2Mel and true mel, each scored", async () => {
    const { makeTinyVoice } = await import('../voice/tiny-voice.ts');
    const voice = await makeTinyVoice();
    const root = makeTempDir();
    const teacher = await corpus(root, 'rms', 'rms', join(root, 'cache'), SENTENCES.slice(0, 2));
    const synth = synthesisFrom(teacher, root);
    const t2m = join(voice.cache, 'entries', 't2m');
    const ssrn = join(voice.cache, 'entries', 'ssrn');
    const ctx = makeContext(
      { synthesis: 'speak', reference: 'teacher', stages: true, text2mel: 'text2mel', ssrn: 'ssrn' },
      { inputs: { speak: synth, teacher, text2mel: t2m, ssrn }, backend: 'wasm' },
    );
    await evaluateStep.run(ctx);
    const { summary } = JSON.parse(readFileSync(join(ctx.outDir, 'evaluation.json'), 'utf8'));
    // Two steps of training speak no words: both stages are judged, and judged unintelligible.
    for (const k of ['teacher_forced_wer', 'true_mel_wer']) expect(summary[k]).toBeGreaterThan(0.5);
    // Griffin-Lim on the teacher's own magnitudes needs no training: nearly as well understood as the teacher.
    expect(summary.true_mag_wer).toBeLessThan(0.4);
    expect(summary.true_mag_median_f0).toBeGreaterThan(70);
    expect(summary.reference_median_f0).toBeGreaterThan(70);
    expect(summary.median_f0).toBeCloseTo(summary.reference_median_f0, 5); // the "synthesis" is the teacher's audio
    // One WAV per teacher clip and stage, as long as the teacher's (trimmed) clip: the teacher's own frames were used.
    const seconds = (path: string) => {
      const w = readWav(path);
      return w.channels[0].length / w.sampleRate;
    };
    const clips = readCorpus(teacher).utterances;
    for (const stage of ['true-mag', 'true-mel', 'teacher-forced']) {
      const wavs = clips.map((_, i) => join(ctx.outDir, 'stages', stage, `${String(i + 1).padStart(3, '0')}.wav`));
      wavs.forEach((w, i) => expect(seconds(w)).toBeGreaterThan(0.5 * clips[i].duration));
      wavs.forEach((w, i) => expect(seconds(w)).toBeLessThan(1.05 * clips[i].duration));
    }
    expect(ctx.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['teacher_forced_wer', 'true_mel_wer']));
  });

  it('refuses stages without the networks to take the recordings through', async () => {
    const root = makeTempDir();
    const teacher = await corpus(root, 'rms', 'rms', join(root, 'cache'), SENTENCES.slice(0, 1));
    const ctx = makeContext({ synthesis: 'speak', reference: 'teacher', stages: true }, { inputs: { speak: synthesisFrom(teacher, root), teacher } });
    await expect(evaluateStep.run(ctx)).rejects.toThrow(/stages: true needs reference, text2mel and ssrn/);
  });
});
