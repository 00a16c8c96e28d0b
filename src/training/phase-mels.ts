// Text2Mel training on a random reduction phase (train-text2mel `reduction_phase: random`): each
// utterance of a training batch reads its reduced mel at a phase k ∈ [0, r) drawn per batch
// (audio/reduction-phase.ts). Phase 0 is the stored mel; the others are built from the clip's
// magnitude once, on first use, and kept (r − 1 more mels per clip: ~115 MB for the demo's 2,469
// clips at r 4). Validation and synthesis keep phase 0.
import { readFileSync } from 'node:fs';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { melAtPhase } from '../audio/reduction-phase.ts';
import type { Rng } from '../models/rng.ts';
import { decodeNpy } from '../util/npy.ts';
import type { Loaded } from './dataset.ts';

export class PhaseMels {
  private readonly phases = new Map<string, Float32Array[]>();

  constructor(private readonly cfg: FeatureConfig) {}

  /** The items with each one's mel at a phase drawn from `rng`. */
  draw(items: Loaded[], rng: Rng): Loaded[] {
    return items.map((x) => ({ ...x, mel: this.at(x, rng.int(this.cfg.r)) }));
  }

  private at(x: Loaded, k: number): Float32Array {
    if (k === 0) return x.mel;
    let mels = this.phases.get(x.item.melPath);
    if (!mels) {
      const mag = decodeNpy(readFileSync(x.item.magPath), x.item.magPath).data as Float32Array;
      const frames = x.mel.length / this.cfg.n_mels;
      mels = Array.from({ length: this.cfg.r }, (_, p) => (p === 0 ? x.mel : melAtPhase(mag, frames, p, this.cfg)));
      this.phases.set(x.item.melPath, mels);
    }
    return mels[k];
  }
}
