// Where a voice stood at given minutes of one pipeline run (issue 16's "WER at 5/10/15/20
// minutes"): for each mark, the newest Text2Mel and SSRN checkpoints saved by then (directory
// mtime, against the run's start in <cache>/runs/<pipeline>.json) speak the held-out sentences
// and the recogniser scores them, with the same functions the `synthesize` and `evaluate` steps
// call. With --stages, the teacher's recordings of the same sentences also go through the
// networks part of the way (eval/stage-probe.ts): teacher-forced Text2Mel, true mel → SSRN and
// true magnitude → Griffin-Lim, each with its WER and median F0.
//
// The training keeps only its last few checkpoints: run it with keep_checkpoints high, or keep
// them as they appear (hard links of <cache>/work/<key>/checkpoints/step-N into
// <keep>/<key>/step-N) and pass --keep. Minutes count the run up to the mark; speaking and
// scoring come on top.
//
//   npx tsx bench/voice-timeline.ts --cache DIR [--keep DIR] --pipeline demo --minutes 5,10,15,20 \
//     --sentences data/heldout.txt --teacher heldout_teacher [--stages]
//
// With --ssrn-steps 2000,5000,…: the SSRN's ceiling along its training instead (issue 16, lever
// 4): the teacher's true mels of the first --clips sentences through each of those SSRN
// checkpoints and Griffin-Lim, with WER and median F0.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/models/backend.ts';
import { readSentences } from '../src/data/sentence-list.ts';
import { readCorpus } from '../src/data/corpus-manifest.ts';
import { synthesizeSentences } from '../src/synthesis/synthesize.ts';
import { recognize } from '../src/eval/recognizer.ts';
import { corpusWer, wordEditDistance, wordsOf } from '../src/eval/wer.ts';
import { bootstrapWerInterval } from '../src/eval/wer-interval.ts';
import { voiceProfile } from '../src/eval/voice-profile.ts';
import { probeStages } from '../src/eval/stage-probe.ts';

const { values: o } = parseArgs({
  options: {
    cache: { type: 'string' },
    keep: { type: 'string' },
    pipeline: { type: 'string', default: 'demo' },
    minutes: { type: 'string', default: '5,10,15,20' },
    sentences: { type: 'string', default: 'data/heldout.txt' },
    text2mel: { type: 'string', default: 'text2mel' },
    ssrn: { type: 'string', default: 'ssrn' },
    teacher: { type: 'string', default: 'heldout_teacher' },
    stages: { type: 'boolean', default: false },
    'ssrn-steps': { type: 'string' },
    clips: { type: 'string', default: '40' },
  },
});
if (!o.cache) throw new Error('--cache DIR is required');
const cache = resolve(o.cache);
const run = JSON.parse(readFileSync(join(cache, 'runs', `${o.pipeline}.json`), 'utf8')) as {
  startedAt: number;
  steps: Record<string, { key: string }>;
};
const keyOf = (name: string) => {
  const key = run.steps[name]?.key;
  if (!key) throw new Error(`step ${name} is not in ${o.pipeline}'s run record`);
  return key;
};
const published = (name: string) => join(cache, 'entries', keyOf(name));

/** A training output to load checkpoints from: the entry itself, or its model.json beside the kept checkpoints. */
function trainingDir(name: string): string {
  const entry = published(name);
  if (!o.keep) return entry;
  const dir = mkdtempSync(join(tmpdir(), `timeline-${name}-`));
  copyFileSync(join(entry, 'model.json'), join(dir, 'model.json'));
  symlinkSync(resolve(o.keep, keyOf(name)), join(dir, 'checkpoints'));
  return dir;
}

/** Checkpoints (step-N dirs) with the minute of the run at which each was saved. */
function timeline(dir: string) {
  const root = join(dir, 'checkpoints');
  return readdirSync(root)
    .map((n) => /^step-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => !!m && existsSync(join(root, m[0], 'manifest.json')))
    .map((m) => ({ step: Number(m[1]), minute: (statSync(join(root, m[0], 'manifest.json')).mtimeMs - run.startedAt) / 60_000 }))
    .sort((a, b) => a.step - b.step);
}

const t2mDir = trainingDir(o.text2mel);
const ssrnDir = trainingDir(o.ssrn);
const t2m = timeline(t2mDir);
const ssrn = timeline(ssrnDir);
const sentences = readSentences(resolve(o.sentences), 'voice-timeline');
const byText = new Map(readCorpus(published(o.teacher)).utterances.map((u) => [u.text, u.audio]));
const references = sentences.filter((s) => byText.has(s)).map((text) => ({ text, audio: byText.get(text)! }));
await selectBackend('auto', () => {});

const scored = async (texts: string[], wavs: string[]) => {
  const hyps = await recognize(wavs);
  return { wer: corpusWer(texts.map((t, i) => ({ reference: t, hypothesis: hyps[i] }))), hyps };
};
const f0 = async (wavs: string[]) => (await voiceProfile(wavs)).medianF0.toFixed(0);

if (o['ssrn-steps']) {
  const refs = references.slice(0, Number(o.clips));
  console.log(`| SSRN step | saved at minute | true mel → SSRN → Griffin-Lim WER (${refs.length} clips) | median F0 |\n|---:|---:|---:|---:|`);
  for (const step of o['ssrn-steps'].split(',').map(Number)) {
    const saved = ssrn.find((c) => c.step === step);
    if (!saved) throw new Error(`no SSRN checkpoint at step ${step} (have ${ssrn.map((c) => c.step).join(', ')})`);
    const outDir = mkdtempSync(join(tmpdir(), 'timeline-'));
    try {
      const st = await probeStages({ text2melDir: t2mDir, ssrnDir, which: t2m.at(-1)!.step, ssrnWhich: step, references: refs, outDir });
      console.log(`| ${step} | ${saved.minute.toFixed(1)} | ${(await scored(refs.map((r) => r.text), st.trueMel)).wer.toFixed(3)} | ${await f0(st.trueMel)} Hz |`);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }
  for (const d of [t2mDir, ssrnDir]) if (o.keep) rmSync(d, { recursive: true, force: true });
  process.exit(0);
}

const head = ['minute', 'Text2Mel step', 'SSRN step', 'held-out WER (95% CI)', 'median F0'];
if (o.stages) head.push('teacher-forced WER', 'its F0', 'true mel → SSRN WER', 'its F0', 'true magnitude → Griffin-Lim WER', 'its F0');
console.log(`teacher's median F0: ${await f0(references.map((r) => r.audio))} Hz over ${references.length} clips\n`);
console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---:').join('|')}|`);
for (const minute of o.minutes.split(',').map(Number)) {
  const a = t2m.filter((c) => c.minute <= minute).at(-1);
  const b = ssrn.filter((c) => c.minute <= minute).at(-1);
  if (!a || !b) {
    console.log(`| ${minute} | ${a?.step ?? '–'} | ${b?.step ?? '–'} | no checkpoint of both yet |`);
    continue;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'timeline-'));
  try {
    const result = await synthesizeSentences({
      text2melDir: t2mDir, ssrnDir, sentences, which: a.step, ssrnWhich: b.step, batchSize: 8, outDir,
      log: () => {}, warn: () => {},
    });
    const texts = result.sentences.map((s) => s.text);
    const wavs = result.sentences.map((s) => join(outDir, s.wav));
    const { wer, hyps } = await scored(texts, wavs);
    const ci = bootstrapWerInterval(texts.map((t, i) => ({ edits: wordEditDistance(wordsOf(t), wordsOf(hyps[i])), words: wordsOf(t).length })));
    const cells = [String(minute), `${a.step} (${a.minute.toFixed(1)} min)`, `${b.step} (${b.minute.toFixed(1)} min)`, `${wer.toFixed(3)} (${ci.low.toFixed(2)}–${ci.high.toFixed(2)})`, `${await f0(wavs)} Hz`];
    if (o.stages) {
      const st = await probeStages({ text2melDir: t2mDir, ssrnDir, which: a.step, ssrnWhich: b.step, references, outDir: join(outDir, 'stages') });
      const refTexts = references.map((r) => r.text);
      for (const w of [st.teacherForced, st.trueMel, st.trueMag]) cells.push((await scored(refTexts, w)).wer.toFixed(3), `${await f0(w)} Hz`);
    }
    console.log(`| ${cells.join(' | ')} |`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
for (const d of [t2mDir, ssrnDir]) if (o.keep) rmSync(d, { recursive: true, force: true });
