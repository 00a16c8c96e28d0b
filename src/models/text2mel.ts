// Text2Mel = TextEnc + AudioEnc + Attention + AudioDec (docs/design.md §3.2–§3.5), parametrised by
// Text2MelConfig (§3.7). Layer names follow REF's scope numbering: TextEnc embed_1, C_2, C_3,
// HC_4…; AudioEnc C_1…C_3, HC_4…; AudioDec C_1, HC_2…, C_…; all under `Text2Mel/`.
import { tf } from './backend.ts';
import type { Text2MelConfig } from './config.ts';
import { ConvLayer, EmbeddingLayer, HighwayLayer, VarStore, applyAll, type Layer, type RunMode } from './layers.ts';
import { attend } from './attention.ts';
import { Rng } from './rng.ts';

export interface Text2MelOutput {
  /** Mel logits Yl [B, T', F]. */
  logits: tf.Tensor3D;
  /** Y = σ(Yl) [B, T', F]. */
  mel: tf.Tensor3D;
  /** A [B, T', N]. */
  alignment: tf.Tensor3D;
}

/** Numbers layers 1, 2, … within one sub-network scope. */
class Namer {
  private i = 0;
  constructor(private readonly scope: string) {}
  next(kind: string): string {
    return `${this.scope}/${kind}_${++this.i}`;
  }
}

export class Text2Mel {
  readonly store = new VarStore();
  readonly embed: EmbeddingLayer;
  readonly textEnc: Layer[] = [];
  readonly audioEnc: Layer[] = [];
  readonly audioDec: Layer[] = [];

  constructor(readonly config: Text2MelConfig, seed = 1) {
    const c = config;
    const rng = new Rng(seed);
    const s = this.store;
    const p = c.dropout;
    const dil = c.dilations;

    const te = new Namer('Text2Mel/TextEnc');
    this.embed = new EmbeddingLayer(s, rng, te.next('embed'), c.vocab, c.e);
    const d2 = 2 * c.d;
    this.textEnc.push(new ConvLayer(s, rng, te.next('C'), c.e, d2, 1, 1, 'same', 'relu', p));
    this.textEnc.push(new ConvLayer(s, rng, te.next('C'), d2, d2, 1, 1, 'same', 'none', p));
    for (let i = 0; i < c.textEnc.cycles; i++) for (const δ of dil) this.textEnc.push(new HighwayLayer(s, rng, te.next('HC'), d2, 3, δ, 'same', p));
    for (let i = 0; i < c.textEnc.extraK3; i++) this.textEnc.push(new HighwayLayer(s, rng, te.next('HC'), d2, 3, 1, 'same', p));
    for (let i = 0; i < c.textEnc.extraK1; i++) this.textEnc.push(new HighwayLayer(s, rng, te.next('HC'), d2, 1, 1, 'same', p));

    const ae = new Namer('Text2Mel/AudioEnc');
    this.audioEnc.push(new ConvLayer(s, rng, ae.next('C'), c.nMels, c.d, 1, 1, 'causal', 'relu', p));
    this.audioEnc.push(new ConvLayer(s, rng, ae.next('C'), c.d, c.d, 1, 1, 'causal', 'relu', p));
    this.audioEnc.push(new ConvLayer(s, rng, ae.next('C'), c.d, c.d, 1, 1, 'causal', 'none', p));
    for (let i = 0; i < c.audioEnc.cycles; i++) for (const δ of dil) this.audioEnc.push(new HighwayLayer(s, rng, ae.next('HC'), c.d, 3, δ, 'causal', p));
    for (let i = 0; i < c.audioEnc.extraDil3; i++) this.audioEnc.push(new HighwayLayer(s, rng, ae.next('HC'), c.d, 3, 3, 'causal', p));

    const ad = new Namer('Text2Mel/AudioDec');
    this.audioDec.push(new ConvLayer(s, rng, ad.next('C'), d2, c.d, 1, 1, 'causal', 'none', p));
    for (let i = 0; i < c.audioDec.cycles; i++) for (const δ of dil) this.audioDec.push(new HighwayLayer(s, rng, ad.next('HC'), c.d, 3, δ, 'causal', p));
    for (let i = 0; i < c.audioDec.extraK3; i++) this.audioDec.push(new HighwayLayer(s, rng, ad.next('HC'), c.d, 3, 1, 'causal', p));
    for (let i = 0; i < c.audioDec.reluConvs; i++) this.audioDec.push(new ConvLayer(s, rng, ad.next('C'), c.d, c.d, 1, 1, 'causal', 'relu', p));
    this.audioDec.push(new ConvLayer(s, rng, ad.next('C'), c.d, c.nMels, 1, 1, 'causal', 'none', p));
  }

  /** L [B, N] int32 → K, V [B, N, d]. */
  encodeText(ids: tf.Tensor2D, run: RunMode): { keys: tf.Tensor3D; values: tf.Tensor3D } {
    const h = applyAll(this.textEnc, this.embed.apply(ids), run);
    const [keys, values] = tf.split(h, 2, 2) as tf.Tensor3D[];
    return { keys, values };
  }

  /** S [B, T', F] → Q [B, T', d] (causal). */
  encodeAudio(s: tf.Tensor3D, run: RunMode): tf.Tensor3D {
    return applyAll(this.audioEnc, s, run);
  }

  /** R' [B, T', 2d] → logits [B, T', F] (causal). */
  decodeAudio(rq: tf.Tensor3D, run: RunMode): tf.Tensor3D {
    return applyAll(this.audioDec, rq, run);
  }

  /** Teacher-forced (or naive-loop) forward pass; `scoreMask` as in attend(). */
  forward(ids: tf.Tensor2D, s: tf.Tensor3D, run: RunMode, scoreMask?: tf.Tensor): Text2MelOutput {
    const { keys, values } = this.encodeText(ids, run);
    const q = this.encodeAudio(s, run);
    const { rq, alignment } = attend(q, keys, values, scoreMask);
    const logits = this.decodeAudio(rq, run);
    return { logits, mel: tf.sigmoid(logits), alignment };
  }
}
