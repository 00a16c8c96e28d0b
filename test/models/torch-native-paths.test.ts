import { describe, it, expect } from 'vitest';
import { selectBackend, tf } from '../../src/models/backend.ts';
import { convImpl, tapSumConv, torchConv } from '../../src/models/conv.ts';
import { composedLayerNorm, ConvLayer, dropoutMask, HighwayLayer, layerNorm, VarStore } from '../../src/models/layers.ts';
import { Rng } from '../../src/models/rng.ts';
import { Adam } from '../../src/models/adam.ts';
import { maxAbsDiff } from './helpers.ts';

// Each native fast path of the torch backend (dilated conv + custom gradient, fused LayerNorm,
// fused Adam) equals the portable form. Like native/tfjs-backend-torch/test, these need the built
// addon (.ci/run installs libtorch-dev): a missing or stale addon fails here instead of hiding.
describe('torch conv path', () => {
  it('equals the tap sum forward and backward', async () => {
    await selectBackend('torch-cpu');
    expect(convImpl(tf.getBackend(), { k: 3, dilation: 9, mode: 'causal' }, true)).toBe('torch');
    expect(convImpl(tf.getBackend(), { k: 1, dilation: 1, mode: 'causal' }, true)).toBe('tapsum');
    const x = tf.randomNormal([2, 30, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const w = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
    for (const mode of ['causal', 'same'] as const) {
      for (const dilation of [1, 3, 9, 27]) {
        const spec = { k: 3, dilation, mode };
        expect(maxAbsDiff(tapSumConv(x, w, spec), torchConv(x, w, spec))).toBeLessThan(1e-4);
        const loss = (conv: typeof tapSumConv) => tf.grads((a, b) => tf.sum(tf.square(conv(a as tf.Tensor3D, b as tf.Tensor3D, spec))))([x, w]);
        const [gx1, gw1] = loss(tapSumConv);
        const [gx2, gw2] = loss(torchConv);
        expect(maxAbsDiff(gx1, gx2)).toBeLessThan(1e-3);
        expect(maxAbsDiff(gw1, gw2)).toBeLessThan(1e-3);
      }
    }
  });
});

describe('torch layer norm', () => {
  it('the fused native LayerNorm equals the composed one forward and in all three gradients', async () => {
    await selectBackend('torch-cpu');
    // Size-1 and odd channel counts; a per-position scale so rows differ in mean and variance.
    for (const [b, l, c] of [[2, 7, 5], [1, 1, 64], [3, 4, 1]]) {
      const x = tf.mul(tf.randomNormal([b, l, c], 0, 1, 'float32', 3), tf.range(1, b * l + 1).reshape([b, l, 1])) as tf.Tensor3D;
      const gamma = tf.randomNormal([c], 1, 0.5, 'float32', 4) as tf.Tensor1D;
      const beta = tf.randomNormal([c], 0, 0.5, 'float32', 5) as tf.Tensor1D;
      const w = tf.randomNormal([b, l, c], 0, 1, 'float32', 6);
      const run = (ln: typeof layerNorm) => {
        const f = (a: tf.Tensor, g: tf.Tensor, be: tf.Tensor) => tf.sum(tf.mul(ln(a as tf.Tensor3D, g as tf.Tensor1D, be as tf.Tensor1D), w));
        return [ln(x, gamma, beta), ...tf.grads(f)([x, gamma, beta])];
      };
      const fused = run(layerNorm), composed = run(composedLayerNorm);
      fused.forEach((t, i) => expect(maxAbsDiff(t, composed[i]), `[${b},${l},${c}] output ${i}`).toBeLessThan(c === 1 ? 1e-3 : 2e-4));
    }
  });
});

describe('torch Adam', () => {
  it('the fused native update equals the composed one over several steps and leaves no tensor behind', async () => {
    const run = async (backend: string) => {
      await selectBackend(backend);
      const vars = new Map<string, tf.Variable>([['a', tf.variable(tf.tensor2d([[0.5, -1], [2, 0]]))], ['b', tf.variable(tf.tensor1d([0.1, 0.2, -0.3]))]]);
      const adam = new Adam();
      const norms: number[] = [];
      let after1 = 0;
      for (let step = 0; step < 6; step++) {
        // Gradients beyond ±1 on some steps, so the clip matters.
        const grads = new Map<string, tf.Tensor>([
          ['a', tf.tensor2d([[3 - step, -0.2 * step], [0.5, -4]])],
          ['b', tf.tensor1d([0.01 * step, -2, 0.7])],
        ]);
        norms.push(adam.step(vars, grads, 0.01 * (step + 1)));
        tf.dispose([...grads.values()]);
        if (step === 0) after1 = tf.memory().numTensors;
      }
      expect(tf.memory().numTensors, backend).toBe(after1);
      const out = { norms, a: Array.from(vars.get('a')!.dataSync()), b: Array.from(vars.get('b')!.dataSync()), m: Array.from(adam.m.get('a')!.dataSync()), v: Array.from(adam.v.get('b')!.dataSync()) };
      adam.dispose();
      tf.dispose([...vars.values()]);
      return out;
    };
    const fused = await run('torch-cpu');
    const composed = await run('cpu');
    for (const k of ['norms', 'a', 'b', 'm', 'v'] as const) {
      fused[k].forEach((x, i) => expect(x, `${k}[${i}]`).toBeCloseTo(composed[k][i], 6));
    }
  });
});

describe('torch fused layers', () => {
  // The fused kernels (TorchHighway, TorchConvLayer and their gradients) against the composed layer
  // on cpu: output and (training) the gradients of the input and all parameters. Training draws
  // dropout masks; inference is compared forward only (cpu's inference conv has no dilated gradient).
  type Make = (store: VarStore) => HighwayLayer | ConvLayer;
  const run = async (backend: string, make: Make, training: boolean) => {
    await selectBackend(backend);
    const store = new VarStore();
    const layer = make(store);
    // Non-zero LN betas and non-unit gammas, so their gradients are not trivial.
    for (const [name, v] of store.vars) if (/LN/.test(name)) v.assign(tf.randomNormal(v.shape, name.endsWith('gamma') ? 1 : 0, 0.5, 'float32', name.length));
    const x = tf.tensor3d(Float32Array.from({ length: 2 * 9 * 6 }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 5))), [2, 9, 6]);
    const names = [...store.vars.keys()];
    const vars = [...store.vars.values()];
    const forward = (input: tf.Tensor3D) => layer.apply(input, { training, rng: new Rng(5) });
    const y = forward(x);
    const w = tf.tensor3d(Float32Array.from({ length: y.size }, (_, i) => Math.cos(i * 1.3)), y.shape);
    const objective = (input: tf.Tensor3D) => tf.sum(tf.mul(forward(input), w)) as tf.Scalar;
    const { kernelNames } = await tf.profile(() => forward(x));
    const fusedKernel = layer instanceof HighwayLayer ? 'TorchHighway' : 'TorchConvLayer';
    expect(kernelNames.includes(fusedKernel), backend).toBe(backend === 'torch-cpu');
    const out = { y: Array.from(y.dataSync()), dx: [] as number[], params: [] as { n: string; g: number[] }[] };
    if (training) {
      out.dx = Array.from(tf.grads((input: tf.Tensor) => objective(input as tf.Tensor3D))([x])[0].dataSync());
      const paramGrads = tf.variableGrads(() => objective(x), vars).grads;
      out.params = names.map((n, i) => ({ n, g: Array.from(paramGrads[vars[i].name].dataSync()) }));
    }
    store.dispose();
    return out;
  };

  const cases: [string, Make][] = [
    ['HC k 3, δ 3, causal', (s) => new HighwayLayer(s, new Rng(11), 'HC_test', 6, 3, 3, 'causal', 0.3)],
    ['HC k 3, δ 9, same', (s) => new HighwayLayer(s, new Rng(11), 'HC_test', 6, 3, 9, 'same', 0.3)],
    ['HC k 3, δ 1, same', (s) => new HighwayLayer(s, new Rng(11), 'HC_test', 6, 3, 1, 'same', 0.3)],
    ['HC k 1', (s) => new HighwayLayer(s, new Rng(11), 'HC_test', 6, 1, 1, 'same', 0.3)],
    ['C k 1, ReLU, 6 → 10', (s) => new ConvLayer(s, new Rng(12), 'C_test', 6, 10, 1, 1, 'causal', 'relu', 0.3)],
    ['C k 1, no activation, 6 → 4', (s) => new ConvLayer(s, new Rng(12), 'C_test', 6, 4, 1, 1, 'same', 'none', 0.3)],
    ['C k 3, δ 3, causal, ReLU', (s) => new ConvLayer(s, new Rng(12), 'C_test', 6, 5, 3, 3, 'causal', 'relu', 0.3)],
  ];
  for (const [label, make] of cases) {
    for (const training of [false, true]) {
      it(`${label}: equals the composed layer (${training ? 'training, dropout' : 'inference'})`, async () => {
        const composed = await run('cpu', make, training);
        const fused = await run('torch-cpu', make, training);
        const close = (a: number[], b: number[], what: string) => a.forEach((v, i) => expect(Math.abs(v - b[i]), `${what}[${i}]`).toBeLessThan(2e-4 * (1 + Math.abs(b[i]))));
        close(fused.y, composed.y, 'y');
        close(fused.dx, composed.dx, 'dx');
        expect(fused.params.map((p) => p.n)).toEqual(composed.params.map((p) => p.n));
        fused.params.forEach((p, i) => close(p.g, composed.params[i].g, `d ${p.n}`));
        if (training) expect(fused.y.filter((v) => v === 0).length).toBeGreaterThan(10); // the dropout mask was applied
      });
    }
  }
});

describe('torch dropout masks', () => {
  it('are the same draws as the JS generator, and leave the generator where it would be', async () => {
    await selectBackend('torch-cpu');
    for (const [seed, shape, p] of [[1, [16, 60, 128], 0.05], [99, [3, 7], 0.5]] as const) {
      const native = new Rng(seed), js = new Rng(seed);
      const first = dropoutMask([...shape], p, native);
      const n = shape.reduce((a, b) => a * b, 1);
      expect(tf.getBackend()).toBe('torch');
      expect(Array.from(first.dataSync())).toEqual(Array.from(js.dropoutMask(n, p)));
      expect(native.state).toBe(js.state);
      expect(native.next()).toBe(js.next());
      first.dispose();
    }
  });
});
