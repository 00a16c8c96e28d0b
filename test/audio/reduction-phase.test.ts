// The reduced mel at another phase, rebuilt from the magnitude: phase 0 is the mel the features
// store; phase k reads full-rate rows k, r + k, …; a training batch draws a phase per utterance.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { computeFeatures } from '../../src/audio/features.ts';
import { melAtPhase } from '../../src/audio/reduction-phase.ts';
import { readWav, mixToMono } from '../../src/audio/wav.ts';
import { writeNpy } from '../../src/util/npy.ts';
import { PhaseMels } from '../../src/training/phase-mels.ts';
import { Rng } from '../../src/models/rng.ts';
import type { Loaded } from '../../src/training/dataset.ts';
import { makeTempDir } from '../helpers/make-context.ts';

const cfg = TINY_FEATURES;
const nMels = cfg.n_mels;
const bins = cfg.n_fft / 2 + 1;

function spokenFeatures() {
  const dir = makeTempDir();
  const wav = join(dir, 'clip.wav');
  execFileSync('flite', ['-voice', 'rms', '-t', 'Please open the window before the sun goes down.', '-o', wav]);
  const w = readWav(wav);
  return { dir, feats: computeFeatures(mixToMono(w.channels), w.sampleRate, cfg) };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('melAtPhase', () => {
  const { dir, feats } = spokenFeatures();

  it('at phase 0 is the stored reduced mel (up to the magnitude floor)', () => {
    expect(feats.frames).toBeGreaterThan(40);
    expect(maxAbsDiff(melAtPhase(feats.mag, feats.frames, 0, cfg), feats.mel)).toBeLessThan(0.02);
  });

  it('at phase k reads the full-rate rows k, r + k, …: the phase-0 mel of the magnitude shifted by k rows', () => {
    const F = nMels, T = feats.frames;
    /** Mean |a[t] − b[t + shift]| over the frames both have. */
    const meanDiff = (a: Float32Array, b: Float32Array, shift = 0) => {
      let sum = 0, n = 0;
      for (let t = 0; t + shift < T; t++) for (let i = 0; i < F; i++, n++) sum += Math.abs(a[t * F + i] - b[(t + shift) * F + i]);
      return sum / n;
    };
    const diffs: number[] = [];
    for (let k = 1; k < cfg.r; k++) {
      const shifted = new Float32Array(feats.mag.length);
      shifted.set(feats.mag.subarray(k * bins));
      const atK = melAtPhase(feats.mag, T, k, cfg);
      expect(maxAbsDiff(atK, melAtPhase(shifted, T, 0, cfg))).toBeLessThan(1e-6);
      diffs.push(meanDiff(atK, feats.mel));
    }
    // Speech drifts with time: phase k lies k/r of a frame after the stored mel (measured 0.036,
    // 0.063, 0.087 apart, a whole frame 0.106), and phase r − 1 one full-rate row before the next frame.
    const adjacent = meanDiff(feats.mel, feats.mel, 1);
    expect(diffs[0]).toBeGreaterThan(0.01);
    for (let k = 1; k < diffs.length; k++) expect(diffs[k]).toBeGreaterThan(diffs[k - 1]);
    expect(diffs.at(-1)!).toBeLessThan(adjacent);
    expect(meanDiff(melAtPhase(feats.mag, T, cfg.r - 1, cfg), feats.mel, 1)).toBeLessThan(0.6 * adjacent);
  });

  it('refuses a phase outside 0…r−1', () => {
    expect(() => melAtPhase(feats.mag, feats.frames, cfg.r, cfg)).toThrow(/phase 4 outside 0…3/);
  });

  it('a training batch reads each utterance at a drawn phase, built once from its magnitude', () => {
    mkdirSync(join(dir, 'utts'));
    const melPath = join(dir, 'utts', 'a.mel.npy');
    const magPath = join(dir, 'utts', 'a.mag.npy');
    writeNpy(melPath, feats.mel, [feats.frames, nMels]);
    writeNpy(magPath, feats.mag, [feats.frames * cfg.r, bins]);
    const item = { utt: { id: 'a', frames: feats.frames } as Loaded['item']['utt'], melPath, magPath };
    const loaded: Loaded = { item, mel: feats.mel };
    const phases = new PhaseMels(cfg);
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const [x] = phases.draw([loaded], rng);
      const k = [0, 1, 2, 3].find((p) => maxAbsDiff(x.mel, p === 0 ? feats.mel : melAtPhase(feats.mag, feats.frames, p, cfg)) < 1e-6);
      expect(k).toBeDefined();
      seen.add(k!);
      expect(x.mel.length).toBe(feats.mel.length);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
