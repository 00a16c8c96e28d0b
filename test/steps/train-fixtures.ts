// Synthetic feature sets for the training-step tests (their context: test/helpers/make-context.ts).
// Each character has
// its own mel pattern held for 2 reduced frames, so text and audio align along the diagonal and
// the alignment is learnable; magnitudes are the mel frame spread over the linear bins.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/util/npy.ts';
import { writeJsonAtomic } from '../../src/util/atomic.ts';
import { TINY_FEATURES, type FeatureConfig } from '../../src/audio/feature-config.ts';
import type { FeatureIndex } from '../../src/data/feature-index.ts';
import { Rng } from '../../src/models/rng.ts';

export function writeSyntheticFeatures(
  dir: string, opts: { utterances: number; config?: FeatureConfig; minChars?: number; maxChars?: number; seed?: number },
): string {
  const cfg = opts.config ?? TINY_FEATURES;
  const rng = new Rng(opts.seed ?? 7);
  const F = cfg.n_mels, bins = cfg.n_fft / 2 + 1;
  const patterns = Array.from({ length: 32 }, () => Float32Array.from({ length: F }, () => 0.1 + 0.8 * rng.next()));
  mkdirSync(join(dir, 'utts'), { recursive: true });
  const index: FeatureIndex = { kind: 'features', speaker: 'synthetic', config: cfg, utterances: [], skipped: [] };
  const lo = opts.minChars ?? 4, hi = opts.maxChars ?? 12;
  for (let u = 0; u < opts.utterances; u++) {
    const chars = lo + rng.int(hi - lo + 1);
    const ids = [...Array.from({ length: chars }, () => 2 + rng.int(30)), 1];
    const frames = 2 * ids.length;
    const mel = new Float32Array(frames * F);
    ids.forEach((id, i) => {
      mel.set(patterns[id], 2 * i * F);
      mel.set(patterns[id], (2 * i + 1) * F);
    });
    const mag = new Float32Array(4 * frames * bins);
    for (let t = 0; t < 4 * frames; t++) for (let k = 0; k < bins; k++) mag[t * bins + k] = mel[Math.floor(t / 4) * F + Math.floor((k * F) / bins)];
    const id = `u${String(u).padStart(3, '0')}`;
    writeNpy(join(dir, 'utts', `${id}.mel.npy`), mel, [frames, F]);
    writeNpy(join(dir, 'utts', `${id}.mag.npy`), mag, [4 * frames, bins]);
    index.utterances.push({ id, text: id, normalized: id, ids, frames, mel: `utts/${id}.mel.npy`, mag: `utts/${id}.mag.npy`, duration: frames * 0.05 });
  }
  writeJsonAtomic(join(dir, 'features.json'), index);
  return dir;
}
