// Building blocks of docs/design.md §3.1, each owning tf.Variables named after REF's layer scopes
// (`Text2Mel/AudioDec/HC_7/kernel`), so freezing lists and checkpoints are name-based.
import { tf } from './backend.ts';
import { conv1d, transposedConv2x, type ConvMode } from './conv.ts';
import { matmul } from './matmul.ts';
import type { Rng } from './rng.ts';

/** Named variables in creation order. tf's own variable names stay auto-generated (unique per process). */
export class VarStore {
  readonly vars = new Map<string, tf.Variable>();

  add(name: string, init: tf.Tensor): tf.Variable {
    if (this.vars.has(name)) throw new Error(`duplicate variable ${name}`);
    const v = tf.variable(init, true);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no variable ${name}`);
    return v;
  }

  /** Total number of scalars. */
  countParams(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Forward-pass mode: dropout only while training, with masks drawn from `rng`. */
export interface RunMode {
  training: boolean;
  rng?: Rng;
}

export const INFERENCE: RunMode = { training: false };

/** Truncated normal (cut at 2σ) from our seeded generator, so init is backend-independent. */
function truncNormal(shape: number[], sigma: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.truncatedNormal(sigma);
  return tf.tensor(data, shape);
}

/** REF init for a conv kernel [k, C_in, C_out]: σ = sqrt(1.3 · 2 / (k · C_in)). */
const convKernelInit = (k: number, cin: number, cout: number, rng: Rng): tf.Tensor =>
  truncNormal([k, cin, cout], Math.sqrt((1.3 * 2) / (k * cin)), rng);

const LN_EPSILON = 1e-5;

/** LayerNorm from tfjs ops: every backend. */
export function composedLayerNorm(x: tf.Tensor3D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gamma), beta);
}

/**
 * LayerNorm as one native call each way on the torch backend (ATen's native_layer_norm and its
 * backward): the composed form is ~10 kernels forward and ~25 backward, 40 times per tiny
 * Text2Mel step, and per-kernel overhead dominates at the tiny sizes.
 */
const fusedLayerNorm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [y, mean, rstd] = tf.engine().runKernel('TorchLayerNorm', { x, gamma, beta }, { epsilon: LN_EPSILON }) as tf.Tensor[];
  save([x, mean, rstd, gamma]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sMean, sRstd, sGamma] = saved;
      return tf.engine().runKernel('TorchLayerNormGrad', { dy, x: sx, mean: sMean, rstd: sRstd, gamma: sGamma }, {}) as tf.Tensor[];
    },
  };
});

/** LayerNorm over the channel axis, ε = 1e-5 (§3.1). */
export function layerNorm(x: tf.Tensor3D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor3D {
  if (tf.getBackend() === 'torch') return fusedLayerNorm(x, gamma, beta) as tf.Tensor3D;
  return composedLayerNorm(x, gamma, beta);
}

/**
 * Inverted-dropout mask of `shape` (0 with probability p, else 1/(1−p)) from the run's seeded
 * generator. On torch the addon draws the same mulberry32 stream natively (TorchDropoutMask): in
 * JS, the masks were ~6% of a tiny Text2Mel step, plus their upload.
 */
export function dropoutMask(shape: number[], p: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() === 'torch') return tf.engine().runKernel('TorchDropoutMask', {}, { state: rng.skip(n), shape, p }) as tf.Tensor;
  return tf.tensor(rng.dropoutMask(n, p), shape);
}

/** A layer's dropout mask for an output of `shape` while training, else undefined. */
function trainingMask(shape: number[], p: number, run: RunMode): tf.Tensor | undefined {
  if (!run.training || p === 0) return undefined;
  if (!run.rng) throw new Error('dropout in training mode needs a seeded rng');
  return dropoutMask(shape, p, run.rng);
}

/** Inverted dropout (scale 1/(1−p)) with a mask from the run's seeded generator. */
export function dropout(x: tf.Tensor3D, p: number, mode: RunMode): tf.Tensor3D {
  const mask = trainingMask(x.shape, p, mode);
  return mask ? tf.mul(x, mask) : x;
}

function addLayerNorm(store: VarStore, scope: string, ch: number): { gamma: tf.Variable; beta: tf.Variable } {
  return { gamma: store.add(`${scope}/gamma`, tf.ones([ch])), beta: store.add(`${scope}/beta`, tf.zeros([ch])) };
}

export interface Layer {
  /** REF scope name, e.g. `Text2Mel/AudioDec/HC_7`. */
  readonly name: string;
  readonly type: 'conv' | 'hc' | 'deconv';
  readonly k: number;
  readonly dilation: number;
  readonly mode: ConvMode;
  apply(x: tf.Tensor3D, run: RunMode): tf.Tensor3D;
}

/** C(k, δ, in→out, act): conv + bias → LN → activation → dropout. */
export class ConvLayer implements Layer {
  readonly type = 'conv';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly ln: { gamma: tf.Variable; beta: tf.Variable };

  constructor(
    store: VarStore, rng: Rng, readonly name: string, cin: number, readonly cout: number,
    readonly k: number, readonly dilation: number, readonly mode: ConvMode,
    readonly act: 'relu' | 'none', readonly p: number,
  ) {
    this.kernel = store.add(`${name}/kernel`, convKernelInit(k, cin, cout, rng));
    this.bias = store.add(`${name}/bias`, tf.zeros([cout]));
    this.ln = addLayerNorm(store, `${name}/LN`, cout);
  }

  apply(x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
    if (tf.getBackend() === 'torch') return fusedConv(this, x, run);
    const spec = { k: this.k, dilation: this.dilation, mode: this.mode };
    let y = layerNorm(conv1d(x, this.kernel as tf.Tensor3D, this.bias as tf.Tensor1D, spec, run.training), this.ln.gamma as tf.Tensor1D, this.ln.beta as tf.Tensor1D);
    if (this.act === 'relu') y = tf.relu(y);
    return dropout(y, this.p, run);
  }
}

/** HC(k, δ, ch): H = conv(X) to 2ch; G = σ(LN₁(H₁)); out = G⊙LN₂(H₂) + (1−G)⊙X; dropout. */
export class HighwayLayer implements Layer {
  readonly type = 'hc';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly ln1: { gamma: tf.Variable; beta: tf.Variable };
  readonly ln2: { gamma: tf.Variable; beta: tf.Variable };

  constructor(
    store: VarStore, rng: Rng, readonly name: string, readonly ch: number,
    readonly k: number, readonly dilation: number, readonly mode: ConvMode, readonly p: number,
  ) {
    this.kernel = store.add(`${name}/kernel`, convKernelInit(k, ch, 2 * ch, rng));
    this.bias = store.add(`${name}/bias`, tf.zeros([2 * ch]));
    this.ln1 = addLayerNorm(store, `${name}/LN_1`, ch);
    this.ln2 = addLayerNorm(store, `${name}/LN_2`, ch);
  }

  apply(x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
    if (tf.getBackend() === 'torch') return fusedHighway(this, x, run);
    const spec = { k: this.k, dilation: this.dilation, mode: this.mode };
    const h = conv1d(x, this.kernel as tf.Tensor3D, this.bias as tf.Tensor1D, spec, run.training);
    const [h1, h2] = tf.split(h, 2, 2) as tf.Tensor3D[];
    const g = tf.sigmoid(layerNorm(h1, this.ln1.gamma as tf.Tensor1D, this.ln1.beta as tf.Tensor1D));
    const v = layerNorm(h2, this.ln2.gamma as tf.Tensor1D, this.ln2.beta as tf.Tensor1D);
    const out = tf.add(tf.mul(g, v), tf.mul(tf.sub(1, g), x)) as tf.Tensor3D;
    return dropout(out, this.p, run);
  }
}

/** One native kernel each way for a whole layer on the torch backend (see the two layers below). */
interface NativeLayerCall {
  kernel: string;
  grad: string;
  /** x, then the layer's parameters: gradients come back in this order. */
  inputs: Record<string, tf.Tensor>;
  attrs: Record<string, unknown>;
  gradAttrs: Record<string, unknown>;
  mask?: tf.Tensor;
}

/**
 * The forward kernel keeps what its gradient needs (inputs, intermediates, the mask) in one
 * context tensor (native/tfjs-backend-torch fusedLayer), the only tensor saved for the backward
 * pass: tfjs clones each saved tensor with an Identity kernel and a tape node.
 */
function nativeLayer(c: NativeLayerCall): tf.Tensor3D {
  const names = Object.keys(c.inputs);
  const maskInput: Record<string, tf.Tensor> = c.mask ? { mask: c.mask } : {};
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const ins = Object.fromEntries(names.map((n, i) => [n, args[i] as tf.Tensor]));
    const [y, context] = tf.engine().runKernel(c.kernel, { ...ins, ...maskInput }, { ...c.attrs, keep: true } as never) as tf.Tensor[];
    save([context]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] =>
        tf.engine().runKernel(c.grad, { dy, context: saved[0] }, c.gradAttrs as never) as tf.Tensor[],
    };
  });
  return f(...names.map((n) => c.inputs[n])) as tf.Tensor3D;
}

/**
 * The whole HC layer (conv, bias, both LNs, gate, dropout mask) as TorchHighway / TorchHighwayGrad:
 * composed, it is ~17 kernels forward and ~25 backward, 16 times per tiny Text2Mel step.
 */
function fusedHighway(layer: HighwayLayer, x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
  const geometry = { k: layer.k, dilation: layer.dilation, causal: layer.mode === 'causal' };
  const { kernel, bias, ln1, ln2 } = layer;
  return nativeLayer({
    kernel: 'TorchHighway', grad: 'TorchHighwayGrad',
    inputs: { x, kernel, bias, gamma1: ln1.gamma, beta1: ln1.beta, gamma2: ln2.gamma, beta2: ln2.beta },
    attrs: { ...geometry, epsilon: LN_EPSILON }, gradAttrs: geometry, mask: trainingMask(x.shape, layer.p, run),
  });
}

/** The C layer (conv, bias, LN, activation, dropout mask) as TorchConvLayer / TorchConvLayerGrad. */
function fusedConv(layer: ConvLayer, x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
  const geometry = { k: layer.k, dilation: layer.dilation, causal: layer.mode === 'causal', relu: layer.act === 'relu' };
  const { kernel, bias, ln } = layer;
  return nativeLayer({
    kernel: 'TorchConvLayer', grad: 'TorchConvLayerGrad',
    inputs: { x, kernel, bias, gamma: ln.gamma, beta: ln.beta },
    attrs: { ...geometry, epsilon: LN_EPSILON }, gradAttrs: geometry,
    mask: trainingMask([x.shape[0], x.shape[1], layer.cout], layer.p, run),
  });
}

/** D(3, s=2): transposed conv doubling time → LN → dropout (no activation). */
export class TransposedConvLayer implements Layer {
  readonly type = 'deconv';
  readonly k = 3;
  readonly dilation = 1;
  readonly mode = 'same';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly ln: { gamma: tf.Variable; beta: tf.Variable };

  constructor(store: VarStore, rng: Rng, readonly name: string, ch: number, readonly p: number) {
    this.kernel = store.add(`${name}/kernel`, convKernelInit(3, ch, ch, rng));
    this.bias = store.add(`${name}/bias`, tf.zeros([ch]));
    this.ln = addLayerNorm(store, `${name}/LN`, ch);
  }

  apply(x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
    const y = transposedConv2x(x, this.kernel as tf.Tensor3D, this.bias as tf.Tensor1D);
    return dropout(layerNorm(y, this.ln.gamma as tf.Tensor1D, this.ln.beta as tf.Tensor1D), this.p, run);
  }
}

/**
 * Character embedding [V, e], init truncated normal σ 0.1; row 0 (padding P) multiplied by zero
 * at every use, so padding embeds to 0 and gets no update. Lookup = one-hot × matMul (wasm has no
 * gather gradient, §3.8).
 */
export class EmbeddingLayer {
  readonly table: tf.Variable;

  constructor(store: VarStore, rng: Rng, readonly name: string, readonly vocab: number, readonly e: number) {
    this.table = store.add(`${name}/lookup_table`, truncNormal([vocab, e], 0.1, rng));
  }

  /** ids [B, N] int32 → [B, N, e]. */
  apply(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, n] = ids.shape;
    const rowMask = tf.concat([tf.zeros([1, 1]), tf.ones([this.vocab - 1, 1])], 0);
    const oneHot = tf.oneHot(ids.reshape([b * n]) as tf.Tensor1D, this.vocab).toFloat() as tf.Tensor2D;
    return matmul(oneHot, tf.mul(this.table, rowMask) as tf.Tensor2D).reshape([b, n, this.e]);
  }
}

/** Apply layers in order. */
export function applyAll(layers: readonly Layer[], x: tf.Tensor3D, run: RunMode): tf.Tensor3D {
  for (const l of layers) x = l.apply(x, run);
  return x;
}
