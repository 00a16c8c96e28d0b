import { describe, it, expect } from 'vitest';
import { selectBackend, tf } from '../../src/models/backend.ts';
import { convImpl, tapSumConv, torchConv } from '../../src/models/conv.ts';
import { composedLayerNorm, dropoutMask, HighwayLayer, layerNorm, VarStore } from '../../src/models/layers.ts';
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

describe('torch highway layer', () => {
  // The fused TorchHighway / TorchHighwayGrad kernels against the composed layer on cpu: output
  // and (training) the gradients of the input and all six parameters. Training draws dropout masks;
  // inference is compared forward only (cpu's inference conv has no dilated gradient).
  const run = async (backend: string, k: number, dilation: number, mode: 'causal' | 'same', training: boolean) => {
    await selectBackend(backend);
    const store = new VarStore();
    const layer = new HighwayLayer(store, new Rng(11), 'HC_test', 6, k, dilation, mode, 0.3);
    // Non-zero LN betas and non-unit gammas, so their gradients are not trivial.
    for (const [name, v] of store.vars) if (/LN/.test(name)) v.assign(tf.randomNormal(v.shape, name.endsWith('gamma') ? 1 : 0, 0.5, 'float32', name.length));
    const x = tf.tensor3d(Float32Array.from({ length: 2 * 9 * 6 }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 5))), [2, 9, 6]);
    const w = tf.tensor3d(Float32Array.from({ length: 2 * 9 * 6 }, (_, i) => Math.cos(i * 1.3)), [2, 9, 6]);
    const names = [...store.vars.keys()];
    const vars = [...store.vars.values()];
    const objective = (input: tf.Tensor3D) => tf.sum(tf.mul(layer.apply(input, { training, rng: new Rng(5) }), w)) as tf.Scalar;
    const y = Array.from(layer.apply(x, { training, rng: new Rng(5) }).dataSync());
    const { kernelNames } = await tf.profile(() => layer.apply(x, { training, rng: new Rng(5) }));
    expect(kernelNames.includes('TorchHighway'), backend).toBe(backend === 'torch-cpu');
    if (!training) {
      store.dispose();
      return { y, dx: [], params: [] };
    }
    const dx = Array.from(tf.grads((input: tf.Tensor) => objective(input as tf.Tensor3D))([x])[0].dataSync());
    const paramGrads = tf.variableGrads(() => objective(x), vars).grads;
    const out = { y, dx, params: names.map((n, i) => ({ n, g: Array.from(paramGrads[vars[i].name].dataSync()) })) };
    store.dispose();
    return out;
  };

  for (const [k, dilation, mode] of [[3, 3, 'causal'], [3, 9, 'same'], [3, 1, 'same'], [1, 1, 'same']] as const) {
    for (const training of [false, true]) {
      it(`equals the composed layer: k ${k}, δ ${dilation}, ${mode}, ${training ? 'training (dropout)' : 'inference'}`, async () => {
        const composed = await run('cpu', k, dilation, mode, training);
        const fused = await run('torch-cpu', k, dilation, mode, training);
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
