// One causal layer advanced by one frame ("fast WaveNet" style, docs/design.md §6.3). A causal
// conv with kernel k and dilation δ sees inputs t−(k−1)δ, …, t−δ, t (§3.1), so the layer keeps a
// queue of its last (k−1)·δ inputs — zeros at the start, exactly the causal left padding — and a
// new frame costs one output position: taps at queue offsets 0, δ, …, then the new input,
// concatenated on channels and multiplied by the layer's own kernel reshaped to [k·C_in, C_out].
// LayerNorm is per position (§3.1), so the rest of the layer (LN, ReLU, highway gate) is the
// same arithmetic on one frame. Dropout is off at inference.
import { tf } from '../models/backend.ts';
import { ConvLayer, HighwayLayer, layerNorm, type Layer } from '../models/layers.ts';

export class CausalLayerStep {
  readonly layer: ConvLayer | HighwayLayer;
  private readonly k: number;
  private readonly dilation: number;
  private readonly cin: number;
  /** Past inputs [B, (k−1)·δ, C_in], oldest first; absent for k = 1. */
  private queue: tf.Tensor3D | undefined;

  constructor(layer: Layer, batch: number) {
    if (!(layer instanceof ConvLayer || layer instanceof HighwayLayer)) throw new Error(`${layer.name}: no per-frame form for a ${layer.type} layer`);
    if (layer.mode !== 'causal') throw new Error(`${layer.name}: only causal layers can run one frame at a time`);
    this.layer = layer;
    this.k = layer.k;
    this.dilation = layer.dilation;
    this.cin = layer.kernel.shape[1]!;
    const past = (this.k - 1) * this.dilation;
    if (past > 0) this.queue = tf.keep(tf.zeros([batch, past, this.cin])) as tf.Tensor3D;
  }

  /** conv + bias at the newest position: x [B, 1, C_in] → [B, 1, C_out]; advances the queue. */
  private convNewest(x: tf.Tensor3D): tf.Tensor3D {
    const layer = this.layer;
    const [b, , cin] = x.shape;
    const kernel = layer.kernel.reshape([this.k * cin, -1]) as tf.Tensor2D; // [k·C_in, C_out]
    let cols: tf.Tensor2D = x.reshape([b, cin]);
    if (this.queue) {
      const window = tf.concat([this.queue, x], 1) as tf.Tensor3D; // [B, (k−1)δ + 1, C_in]
      const taps: tf.Tensor2D[] = [];
      for (let j = 0; j < this.k; j++) taps.push(tf.slice(window, [0, j * this.dilation, 0], [b, 1, cin]).reshape([b, cin]));
      cols = tf.concat(taps, 1) as tf.Tensor2D; // [B, k·C_in], tap order as the kernel's
      const next = tf.keep(tf.slice(window, [0, 1, 0], [b, window.shape[1] - 1, cin]));
      this.queue.dispose();
      this.queue = next;
    }
    return tf.add(tf.matMul(cols, kernel), layer.bias).reshape([b, 1, -1]) as tf.Tensor3D;
  }

  /** The layer's output for one new frame x [B, 1, C_in] (call inside tf.tidy). */
  step(x: tf.Tensor3D): tf.Tensor3D {
    const h = this.convNewest(x);
    const layer = this.layer;
    if (layer instanceof ConvLayer) {
      const y = layerNorm(h, layer.ln.gamma as tf.Tensor1D, layer.ln.beta as tf.Tensor1D);
      return layer.act === 'relu' ? tf.relu(y) : y;
    }
    const hc = layer;
    const [h1, h2] = tf.split(h, 2, 2) as tf.Tensor3D[];
    const g = tf.sigmoid(layerNorm(h1, hc.ln1.gamma as tf.Tensor1D, hc.ln1.beta as tf.Tensor1D));
    const v = layerNorm(h2, hc.ln2.gamma as tf.Tensor1D, hc.ln2.beta as tf.Tensor1D);
    return tf.add(tf.mul(g, v), tf.mul(tf.sub(1, g), x)) as tf.Tensor3D;
  }

  dispose(): void {
    this.queue?.dispose();
    this.queue = undefined;
  }
}
