// Synthesis speed: real-time factor (wall seconds of processing per second of audio produced;
// below 1 is faster than real time) of synthesizeSentences on each backend that loads, with the tiny
// Text2Mel and SSRN trained for a few steps on synthetic features by the real training steps (as
// test/synthesis/synthesize-step.test.ts). Barely trained, the decoder runs to max_frames, so a
// fixed MAX_FRAMES makes every backend speak the same amount of audio.
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../src/models/backend.ts';
import { trainSsrn } from '../src/steps/train-ssrn.ts';
import { trainText2Mel } from '../src/steps/train-text2mel.ts';
import { synthesizeSentences } from '../src/synthesis/synthesize.ts';
import { griffinLimDefaults } from '../src/synthesis/vocoders/griffin-lim-settings.ts';
import { makeContext, makeTempDir } from '../test/helpers/make-context.ts';
import { TINY_FEATURES } from '../src/audio/feature-config.ts';
import { writeSyntheticFeatures } from '../test/steps/train-fixtures.ts';
import { firstLine } from '../src/util/error-line.ts';

const SENTENCES = [
  'The birch canoe slid on the smooth planks.',
  'Glue the sheet to the dark blue background.',
  'It is easy to tell the depth of a well.',
  'These days a chicken leg is a rare dish.',
  'Rice is often served in round bowls.',
  'The juice of lemons makes fine punch.',
  'The box was thrown beside the parked truck.',
  'Four hours of steady work faced us.',
];
/** Reduced frames per sentence: 64 · r 4 · hop 200 / 16 kHz = 3.2 s of audio before silence trimming. */
const MAX_FRAMES = 64;
/** Per backend: the timed run gets only as many sentences as the warm-up sentence predicts fit in this. */
const BUDGET_S = 60;
const cfg = TINY_FEATURES;

interface Row { backend: string; sentences: number; audioS: number | null; wallS: number | null; text2melS: number | null; vocodeS: number | null; note: string }

/** A tiny Text2Mel and SSRN, each a few real training steps on synthetic features. */
async function trainVoice(root: string): Promise<{ text2melDir: string; ssrnDir: string }> {
  const features = writeSyntheticFeatures(join(root, 'features'), { utterances: 10 });
  const common = { steps: 3, batch_size: 4, validation: 2, log_every: 3, plot_every: 100, checkpoint_every: 100, config: 'tiny' as const };
  const text2melDir = join(root, 'text2mel'), ssrnDir = join(root, 'ssrn');
  await trainText2Mel.run(makeContext(common, { outDir: text2melDir, inputs: { features }, backend: 'auto' }));
  await trainSsrn.run(makeContext(common, { outDir: ssrnDir, inputs: { features }, backend: 'auto' }));
  return { text2melDir, ssrnDir };
}

async function measure(backend: string, voice: { text2melDir: string; ssrnDir: string }, outDir: string): Promise<Row> {
  const none = { audioS: null, wallS: null, text2melS: null, vocodeS: null };
  let device: string | undefined;
  try {
    device = (await selectBackend(backend)).device;
  } catch (err) {
    return { backend, sentences: 0, ...none, note: firstLine(err) };
  }
  const marks: number[] = [];
  const speak = (sentences: string[]) => synthesizeSentences({
    ...voice, sentences, which: 'latest', maxFrames: MAX_FRAMES, outDir,
    batchSize: SENTENCES.length, log: () => {}, warn: () => {}, onProgress: () => marks.push(performance.now()),
  });
  const warm = await speak(SENTENCES.slice(0, 1));
  const fit = Math.min(SENTENCES.length, Math.floor(BUDGET_S / warm.wallSeconds));
  const budgetNote = `warm-up sentence took ${warm.wallSeconds.toFixed(1)} s (budget ${BUDGET_S} s)`;
  if (fit < 1) return { backend, sentences: 0, ...none, note: `skipped: ${budgetNote}` };
  marks.length = 0;
  const r = await speak(SENTENCES.slice(0, fit));
  // onProgress fires once before generation and once per finished sentence (SSRN, Griffin-Lim,
  // WAV and plots); the first sentence's share is taken to be the mean of the others'.
  const perSentence = fit > 1 ? (marks[fit] - marks[1]) / (fit - 1) / 1000 : null;
  const text2melS = perSentence === null ? null : (marks[1] - marks[0]) / 1000 - perSentence;
  const notes = [device && `device ${device}`, fit < SENTENCES.length ? `${fit} of ${SENTENCES.length} sentences: ${budgetNote}` : ''].filter(Boolean);
  return {
    backend, sentences: r.sentences.length, audioS: r.audioSeconds, wallS: r.wallSeconds,
    text2melS, vocodeS: perSentence === null ? null : perSentence * fit, note: notes.join('; '),
  };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const root = makeTempDir('bench-synthesis-');
  const rows: Row[] = [];
  try {
    const voice = await trainVoice(root);
    for (const backend of ['torch', 'wasm', 'cpu']) {
      try {
        rows.push(await measure(backend, voice, join(root, 'out')));
      } catch (err) {
        // tfjs-backend-wasm aborts now and then ("memory access out of bounds", also in the train
        // bench): record it in the row and go on with the other backends.
        rows.push({ backend, sentences: 0, audioS: null, wallS: null, text2melS: null, vocodeS: null, note: `crashed: ${firstLine(err)}` });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const { iters: griffinLimIters, power, hop } = griffinLimDefaults(cfg);
  const fmt = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));
  const md = [
    `One synthesizeSentences call per backend (models loaded, Text2Mel generation in one batch, SSRN, Griffin-Lim ${griffinLimIters} iterations at hop ${hop}, power ${power}, WAVs and plots written) for up to ${SENTENCES.length} sentences, with the tiny Text2Mel and SSRN after 3 training steps on synthetic features (${cfg.sample_rate / 1000} kHz, n_fft ${cfg.n_fft}, r ${cfg.r}). Untrained, every sentence runs to max_frames ${MAX_FRAMES} (${((MAX_FRAMES * cfg.r * cfg.hop_length) / cfg.sample_rate).toFixed(1)} s before silence trimming), so each backend speaks the same audio. RTF = wall seconds of processing ÷ seconds of audio (below 1: faster than real time). Text2Mel and SSRN + Griffin-Lim split the wall time from the per-sentence progress times (model loading is in neither). A first one-sentence call warms the backend up and sets the sentence count within ${BUDGET_S} s.`,
    '',
    `Load average at the end of the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores.`,
    '',
    '| backend | sentences | audio s | wall s | Text2Mel s | SSRN + Griffin-Lim s | RTF (processing/audio) | note |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.backend} | ${r.sentences} | ${fmt(r.audioS, 1)} | ${fmt(r.wallS)} | ${fmt(r.text2melS)} | ${fmt(r.vocodeS)} | ${r.audioS && r.wallS ? fmt(r.wallS / r.audioS) : '–'} | ${r.note} |`),
  ].join('\n');
  return { title: 'Synthesis speed (real-time factor)', markdown: md };
}
