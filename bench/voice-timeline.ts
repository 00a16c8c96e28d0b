// Where a voice stood at given minutes of one pipeline run (issue 16's "WER at 5/10/15/20
// minutes"): for each mark, the newest Text2Mel and SSRN checkpoints saved by then (directory
// mtime, against the run's start in <cache>/runs/<pipeline>.json) speak the held-out sentences
// and the recogniser scores them, with the same functions the `synthesize` and `evaluate` steps
// call. The run must keep its checkpoints (--set text2mel.keep_checkpoints=100 and the same for
// ssrn). Minutes count training only up to the mark; speaking and scoring come on top.
//
//   npx tsx bench/voice-timeline.ts --cache DIR --pipeline demo --minutes 5,10,15,20 \
//     --sentences data/heldout-everyday.txt [--text2mel text2mel] [--ssrn ssrn]
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listCheckpoints } from '../src/models/checkpoint.ts';
import { selectBackend } from '../src/models/backend.ts';
import { readSentences } from '../src/data/sentence-list.ts';
import { synthesizeSentences } from '../src/synthesis/synthesize.ts';
import { recognize } from '../src/eval/recognizer.ts';
import { corpusWer, wordEditDistance, wordsOf } from '../src/eval/wer.ts';
import { bootstrapWerInterval } from '../src/eval/wer-interval.ts';

const { values: o } = parseArgs({
  options: {
    cache: { type: 'string' },
    pipeline: { type: 'string', default: 'demo' },
    minutes: { type: 'string', default: '5,10,15,20' },
    sentences: { type: 'string', default: 'data/heldout-everyday.txt' },
    text2mel: { type: 'string', default: 'text2mel' },
    ssrn: { type: 'string', default: 'ssrn' },
  },
});
if (!o.cache) throw new Error('--cache DIR is required');
const cache = resolve(o.cache);
const run = JSON.parse(readFileSync(join(cache, 'runs', `${o.pipeline}.json`), 'utf8')) as {
  startedAt: number;
  steps: Record<string, { key: string }>;
};

/** The step's output (published entry, else its work dir while it runs). */
function stepDir(name: string): string {
  const key = run.steps[name]?.key;
  if (!key) throw new Error(`step ${name} is not in ${o.pipeline}'s run record`);
  for (const d of [join(cache, 'entries', key), join(cache, 'work', key)]) {
    try {
      if (readdirSync(join(d, 'checkpoints')).length) return d;
    } catch {
      // not there: try the next place
    }
  }
  throw new Error(`no checkpoints of ${name} (${key}) in ${cache}`);
}

/** Checkpoints with the minute of the run at which each was saved. */
const timeline = (dir: string) =>
  listCheckpoints(join(dir, 'checkpoints')).map((c) => ({ ...c, minute: (statSync(c.dir).mtimeMs - run.startedAt) / 60_000 }));

const t2mDir = stepDir(o.text2mel);
const ssrnDir = stepDir(o.ssrn);
const t2m = timeline(t2mDir);
const ssrn = timeline(ssrnDir);
const sentences = readSentences(resolve(o.sentences), 'voice-timeline');
await selectBackend('auto', () => {});

console.log(`| minute | Text2Mel step | SSRN step | held-out WER (95% CI) |\n|---:|---:|---:|---|`);
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
    const hyps = await recognize(result.sentences.map((s) => join(outDir, s.wav)));
    const pairs = result.sentences.map((s, i) => ({ reference: s.text, hypothesis: hyps[i] }));
    const ci = bootstrapWerInterval(pairs.map((p) => ({ edits: wordEditDistance(wordsOf(p.reference), wordsOf(p.hypothesis)), words: wordsOf(p.reference).length })));
    const failed = result.failed.length ? ` · ${result.failed.length} failed` : '';
    console.log(`| ${minute} | ${a.step} (${a.minute.toFixed(1)} min) | ${b.step} (${b.minute.toFixed(1)} min) | ${corpusWer(pairs).toFixed(3)} (${ci.low.toFixed(2)}–${ci.high.toFixed(2)})${failed} |`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
