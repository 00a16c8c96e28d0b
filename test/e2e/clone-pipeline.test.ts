// The clone pipeline end to end, shrunk with --set overrides: a base voice, a target speaker's
// small corpus, fine-tuning from the base weights, both voices speaking, speaker similarity judged.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { HELDOUT3, SMALL_BASE, startRun, stepStates } from './pipeline-runner.ts';

const SETS = [
  ...SMALL_BASE,
  'target_corpus.count=12',
  'clone_text2mel.steps=6', 'clone_text2mel.batch_size=4', 'clone_text2mel.checkpoint_every=3', 'clone_text2mel.validation=2', 'clone_text2mel.log_every=3',
  'clone_ssrn.steps=6', 'clone_ssrn.batch_size=4', 'clone_ssrn.checkpoint_every=3', 'clone_ssrn.validation=2', 'clone_ssrn.log_every=3',
  `base_speak.sentences=${HELDOUT3}`, 'base_speak.max_frames=24', 'base_speak.griffin_lim_iters=4',
  `clone_speak.sentences=${HELDOUT3}`, 'clone_speak.max_frames=24', 'clone_speak.griffin_lim_iters=4',
  `target_heldout.sentences=${HELDOUT3}`, `base_heldout.sentences=${HELDOUT3}`,
  'evaluate.recognizer=none', 'evaluate_base.recognizer=none',
];

describe('pipelines/clone.yaml', () => {
  it('fine-tunes the base voice on the target speaker and judges both voices', async () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'clone-e2e-')), 'cache');
    const run = startRun('pipelines/clone.yaml', cache, SETS);
    const r = await run.proc;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const states = stepStates(run.events);
    expect(Object.keys(states)).toHaveLength(14);
    expect(Object.values(states).every((s) => s === 'succeeded')).toBe(true);

    const init = run.events.find((e) => e.type === 'log' && e.step === 'clone_text2mel' && /initialised from text2mel/.test(e.message));
    expect(init, 'clone_text2mel starts from the base weights').toBeDefined();

    const evaluations = readdirSync(join(cache, 'entries'))
      .map((k) => join(cache, 'entries', k, 'evaluation.json'))
      .filter(existsSync)
      .map((p) => JSON.parse(readFileSync(p, 'utf8')));
    expect(evaluations).toHaveLength(2);
    for (const e of evaluations) {
      expect(e.similarity.f0Semitones.target).toBeGreaterThanOrEqual(0);
      expect(typeof e.summary.closer_to_target).toBe('boolean');
    }
  }, 900_000);
});
