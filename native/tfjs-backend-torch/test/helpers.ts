// Test helpers: register the backend once, run a function on cpu and on torch with the same
// random inputs (copied through dataSync arrays), and compare element-wise.
import * as tf from '@tensorflow/tfjs';
import { registerTorchBackend } from '../src/index.ts';

export { tf };

export async function setupTorch(threads = 1): Promise<void> {
  registerTorchBackend(tf, { device: 'cpu', threads });
  await tf.ready();
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  lo?: number;
  hi?: number;
  /** Explicit values instead of random ones. */
  values?: number[];
}

export interface Raw {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: tf.DataType;
}

export function makeRaw(spec: InputSpec, r: () => number): Raw {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.dtype ?? 'float32';
  const lo = spec.lo ?? (dtype === 'int32' ? -5 : -2);
  const hi = spec.hi ?? (dtype === 'int32' ? 5 : 2);
  const vals = dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (spec.values) vals[i] = spec.values[i];
    else if (dtype === 'bool') vals[i] = r() < 0.5 ? 1 : 0;
    else if (dtype === 'int32') vals[i] = Math.floor(lo + r() * (hi - lo + 1));
    else vals[i] = lo + r() * (hi - lo);
  }
  return { values: vals, shape: spec.shape, dtype };
}

type Fn = (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

export function runOn(backend: string, fn: Fn, raws: Raw[]): Raw[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = raws.map((r) => tf.tensor(r.values, r.shape, r.dtype));
    const out = fn(...xs);
    const outs = Array.isArray(out) ? out : [out];
    return outs.map((t) => ({ values: t.dataSync() as Raw['values'], shape: t.shape, dtype: t.dtype }));
  });
}

/** Kernels seen on the torch backend during comparisons (for the coverage assertion). */
export const seenKernels = new Set<string>();

/**
 * Runs `fn` on cpu and `torchFn` (default: the same fn) on torch; torchFn lets a test call a
 * kernel directly (tf.engine().runKernel) where tfjs ops decompose it or cpu lacks it.
 */
export async function compare(fn: Fn, specs: InputSpec[], seed = 1, rtol = 1e-5, torchFn: Fn = fn): Promise<void> {
  const r = rng(seed);
  const raws = specs.map((s) => makeRaw(s, r));
  const want = runOn('cpu', fn, raws);
  tf.setBackend('torch');
  let got: Raw[] = [];
  const prof = await tf.profile(() => {
    got = runOn('torch', torchFn, raws);
  });
  for (const k of prof.kernels) seenKernels.add(k.name);
  if (got.length !== want.length) throw new Error(`output count ${got.length} != ${want.length}`);
  for (let o = 0; o < want.length; o++) {
    const w = want[o];
    const g = got[o];
    if (JSON.stringify(g.shape) !== JSON.stringify(w.shape)) throw new Error(`output ${o}: shape ${g.shape} != ${w.shape}`);
    if (g.dtype !== w.dtype) throw new Error(`output ${o}: dtype ${g.dtype} != ${w.dtype}`);
    for (let i = 0; i < w.values.length; i++) {
      const a = g.values[i];
      const b = w.values[i];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      if (!(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)))) {
        throw new Error(`output ${o}[${i}]: torch ${a} vs cpu ${b} (shape ${w.shape})`);
      }
    }
  }
}
