// The demo pipeline end to end, shrunk with --set overrides: from an empty cache to WAVs and an
// evaluation table; then all cached; then a SIGKILL during training and a rerun that resumes.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readWav } from '../../src/audio/wav.ts';
import { HELDOUT3, SMALL_BASE, startRun, stepStates } from './pipeline-runner.ts';

const SETS = [...SMALL_BASE, `heldout_teacher.sentences=${HELDOUT3}`, `speak.sentences=${HELDOUT3}`, 'speak.max_frames=32', 'speak.griffin_lim_iters=4'];

/** The published output dir of a step, from its 'artifact' or final events: entries/<key>. */
function publishedDirOf(cache: string, file: string): string {
  const dir = readdirSync(join(cache, 'entries')).map((k) => join(cache, 'entries', k)).find((d) => existsSync(join(d, file)));
  if (!dir) throw new Error(`no published entry holds ${file}`);
  return dir;
}

describe('pipelines/demo.yaml', () => {
  it('runs from an empty cache, is then all cached, and resumes training after kill -9', async () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'demo-e2e-')), 'cache');

    const first = startRun('pipelines/demo.yaml', cache, SETS);
    const r1 = await first.proc;
    expect(r1.exitCode, String(r1.stderr)).toBe(0);
    expect(Object.values(stepStates(first.events)).every((s) => s === 'succeeded')).toBe(true);

    const synthDir = publishedDirOf(cache, 'synthesis.json');
    const synth = JSON.parse(readFileSync(join(synthDir, 'synthesis.json'), 'utf8'));
    expect(synth.sentences).toHaveLength(3);
    for (const s of synth.sentences) {
      const wav = readWav(join(synthDir, s.wav));
      expect(wav.sampleRate).toBe(16000);
      expect(wav.channels[0].length).toBeGreaterThan(1600);
      expect(wav.channels[0].some((v) => Math.abs(v) > 0.01)).toBe(true);
    }
    const evaluation = JSON.parse(readFileSync(join(publishedDirOf(cache, 'evaluation.json'), 'evaluation.json'), 'utf8'));
    expect(evaluation.summary.sentences).toBe(3);
    expect(typeof evaluation.summary.wer).toBe('number');
    // The teacher reads the same three sentences: flite's rms voice is well understood.
    expect(evaluation.summary.reference_wer).toBeLessThan(0.5);

    const second = startRun('pipelines/demo.yaml', cache, SETS);
    expect((await second.proc).exitCode).toBe(0);
    expect(Object.values(stepStates(second.events)).every((s) => s === 'cached')).toBe(true);

    // A longer Text2Mel budget continues the same entry; kill the runner once it is past a checkpoint.
    const longer = SETS.map((s) => (s === 'text2mel.steps=12' ? 'text2mel.steps=60' : s));
    const killed = startRun('pipelines/demo.yaml', cache, longer);
    await new Promise<void>((resolveWait, reject) => {
      const timer = setInterval(() => {
        const past = killed.events.some((e) => e.type === 'metric' && e.step === 'text2mel' && (e.at ?? 0) >= 24);
        if (past) {
          clearInterval(timer);
          killed.proc.kill('SIGKILL');
          resolveWait();
        }
      }, 100);
      killed.proc.then(() => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    await killed.proc;

    const resumed = startRun('pipelines/demo.yaml', cache, longer);
    const r3 = await resumed.proc;
    expect(r3.exitCode, String(r3.stderr)).toBe(0);
    const resumeLine = resumed.events.find((e) => e.type === 'log' && e.step === 'text2mel' && /resumed from/.test(e.message));
    expect(resumeLine, 'text2mel should resume from a checkpoint').toBeDefined();
    const fromStep = Number(/\(step (\d+)\)/.exec((resumeLine as { message: string }).message)![1]);
    expect(fromStep).toBeGreaterThanOrEqual(20);
    expect(stepStates(resumed.events)).toMatchObject({ corpus: 'cached', features: 'cached', ssrn: 'cached', text2mel: 'succeeded' });
  }, 900_000);
});
