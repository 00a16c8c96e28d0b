// The native-backend issue's measurement: one training step of four dilated highway-conv layers
// (B 8, L 200, C 128, k 3, δ 1/3/9/27, forward + backward + hand-written Adam; 3.8 GFLOP) with the
// models' own HighwayLayer on each TF.js backend, against the same step in PyTorch
// (bench/torch_highway.py, /usr/bin/python3) at 1 and 2 threads.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, tf } from '../src/models/backend.ts';
import { Adam } from '../src/models/adam.ts';
import { HighwayLayer, VarStore, applyAll } from '../src/models/layers.ts';
import { Rng } from '../src/models/rng.ts';
import { firstLine } from '../src/util/error-line.ts';
import { missingPeer, peerNamed } from '../src/benchmark-peers.ts';

const B = 8, L = 200, C = 128;
const DILATIONS = [1, 3, 9, 27];
// Conv FLOPs only: 2·B·L·(3C)·(2C) per layer forward, ×3 with both gradients, ×4 layers.
const GFLOP = (2 * B * L * 3 * C * 2 * C * 3 * DILATIONS.length) / 1e9;

interface Row { name: string; ms: number | null; note: string }

function highwayStep(): { step: () => void; dispose: () => void } {
  const store = new VarStore();
  const rng = new Rng(1);
  const layers = DILATIONS.map((d, i) => new HighwayLayer(store, rng, `HC_${i + 1}`, C, 3, d, 'same', 0));
  const xData = new Float32Array(B * L * C).map(() => rng.normal());
  const x = tf.tensor3d(xData, [B, L, C]);
  const vars = store.vars;
  const adam = new Adam();
  const byTfName = new Map([...vars].map(([k, v]) => [v.name, k]));
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const y = applyAll(layers, x, { training: true, rng: new Rng(2) });
        return tf.mean(tf.square(y)) as tf.Scalar;
      }, [...vars.values()]);
      adam.step(vars, new Map(Object.entries(grads).map(([n, g]) => [byTfName.get(n)!, g])), 1e-3);
      value.dataSync();
    });
  return { step, dispose: () => { store.dispose(); adam.dispose(); x.dispose(); } };
}

/** Median of `n` timed steps after one warm-up step. */
function timeIt(n: number): number {
  const { step, dispose } = highwayStep();
  step();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
  }
  dispose();
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

async function tfjsRow(name: string, load: () => Promise<unknown>, n: number): Promise<Row> {
  try {
    await load();
    return { name, ms: timeIt(n), note: `${tf.getBackend()}, median of ${n}` };
  } catch (e) {
    return { name, ms: null, note: `unavailable: ${firstLine(e)}` };
  }
}

function pytorchRow(threads: number): Row {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_highway.py');
  try {
    const out = execFileSync('/usr/bin/python3', [script, String(threads), '10'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    return { name: `PyTorch ${r.torch}, ${threads} thread${threads > 1 ? 's' : ''}`, ms: r.ms, note: 'median of 10' };
  } catch (e) {
    return { name: `PyTorch, ${threads} thread(s)`, ms: null, note: `unavailable: ${firstLine(e)}` };
  }
}

/** Makes torch the active backend with `threads` intra-op threads (registering it again only resets the threads). */
export async function torchLoad(threads: number): Promise<void> {
  const mod = (await import('tfjs-backend-torch')) as typeof import('../native/tfjs-backend-torch/src/index.ts');
  mod.registerTorchBackend(tf, { device: 'cpu', threads });
  if (!(await tf.setBackend('torch'))) throw new Error('setBackend(torch) failed');
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const rows: Row[] = [];
  const noPytorch = await missingPeer('python3-torch');
  if (noPytorch) console.error(`bench torch-backend: ${noPytorch}`);
  for (const threads of [1, 2]) {
    rows.push(noPytorch ? { name: `PyTorch, ${threads} thread(s)`, ms: null, note: `python3-torch missing: ${peerNamed('python3-torch').install}` } : pytorchRow(threads));
  }
  rows.push(await tfjsRow('tfjs torch (libtorch), 1 thread', () => torchLoad(1), 10));
  rows.push(await tfjsRow('tfjs torch (libtorch), 2 threads', () => torchLoad(2), 10));
  rows.push(await tfjsRow('tfjs wasm', () => selectBackend('wasm'), 3));
  rows.push(await tfjsRow('tfjs cpu', () => selectBackend('cpu'), 2));
  const ref = rows[0].ms;
  const lines = [
    `One training step of four dilated highway-conv layers (B ${B}, L ${L}, C ${C}, k 3, δ ${DILATIONS.join('/')}; forward, backward, Adam; ${GFLOP.toFixed(2)} GFLOP of convolution). TF.js rows run src/models' HighwayLayer (native dilated conv kernels on torch, tap sum elsewhere).`,
    '',
    `Load average at the end of the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores (multi-thread rows are only meaningful on an otherwise idle machine).`,
    '',
    '| implementation | ms / step | GFLOP/s | × PyTorch 1 thread | note |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) =>
      `| ${r.name} | ${r.ms == null ? '–' : r.ms.toFixed(1)} | ${r.ms == null ? '–' : (GFLOP / (r.ms / 1000)).toFixed(1)} | ${r.ms == null || ref == null ? '–' : (r.ms / ref).toFixed(2)} | ${r.note} |`),
  ];
  return { title: 'TF.js torch backend: highway-conv training step', markdown: lines.join('\n') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await bench();
  console.log(`## ${r.title}\n\n${r.markdown}`);
}
