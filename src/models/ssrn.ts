// SSRN (docs/design.md §3.6): reduced mel Y [B, T', F] → magnitude logits and Z [B, r·T', F'].
// Non-causal. Layer names `SSRN/C_1`, `SSRN/HC_2`, …, `SSRN/D_4`, … in REF's numbering.
import { tf } from './backend.ts';
import type { SsrnConfig } from './config.ts';
import { ConvLayer, HighwayLayer, TransposedConvLayer, VarStore, applyAll, type Layer, type RunMode } from './layers.ts';
import { Rng } from './rng.ts';

export interface SsrnOutput {
  /** Zl [B, 2^upsamples · T', F']. */
  logits: tf.Tensor3D;
  /** Z = σ(Zl). */
  mag: tf.Tensor3D;
}

export class Ssrn {
  readonly store = new VarStore();
  readonly layers: Layer[] = [];

  constructor(readonly config: SsrnConfig, seed = 1) {
    const c = config;
    const rng = new Rng(seed);
    const s = this.store;
    const p = c.dropout;
    let i = 0;
    const name = (kind: string) => `SSRN/${kind}_${++i}`;
    const stageHC = () => {
      for (let j = 0; j < c.hcPerStage; j++) this.layers.push(new HighwayLayer(s, rng, name('HC'), c.c, 3, c.dilations[j % c.dilations.length], 'same', p));
    };
    this.layers.push(new ConvLayer(s, rng, name('C'), c.nMels, c.c, 1, 1, 'same', 'none', p));
    stageHC();
    for (let u = 0; u < c.upsamples; u++) {
      this.layers.push(new TransposedConvLayer(s, rng, name('D'), c.c, p));
      stageHC();
    }
    this.layers.push(new ConvLayer(s, rng, name('C'), c.c, 2 * c.c, 1, 1, 'same', 'none', p));
    for (let j = 0; j < c.wideHC; j++) this.layers.push(new HighwayLayer(s, rng, name('HC'), 2 * c.c, 3, 1, 'same', p));
    this.layers.push(new ConvLayer(s, rng, name('C'), 2 * c.c, c.fBins, 1, 1, 'same', 'none', p));
    for (let j = 0; j < c.reluConvs; j++) this.layers.push(new ConvLayer(s, rng, name('C'), c.fBins, c.fBins, 1, 1, 'same', 'relu', p));
    this.layers.push(new ConvLayer(s, rng, name('C'), c.fBins, c.fBins, 1, 1, 'same', 'none', p));
  }

  forward(mel: tf.Tensor3D, run: RunMode): SsrnOutput {
    const logits = applyAll(this.layers, mel, run);
    return { logits, mag: tf.sigmoid(logits) };
  }
}
