// Training throughput: tiny and default Text2Mel and SSRN steps/s and GFLOP/s on every backend
// that loads, tap-sum vs conv1d, and the native-backend issue's acceptance: the tiny Text2Mel and
// SSRN steps on torch against the same steps in PyTorch at equal thread counts (1 and 2), each
// side timed in fresh processes (bench/torch-step-child.ts, bench/torch_text2mel.py), median of
// ROUNDS, alternating, so neither inherits the other backends' state or a change in machine load.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, tf } from '../src/models/backend.ts';
import { SSRN_DEFAULT, SSRN_TINY, TEXT2MEL_DEFAULT, TEXT2MEL_TINY } from '../src/models/config.ts';
import { nativeConv, tapSumConv, torchConv, type ConvSpec } from '../src/models/conv.ts';
import { B, CASE_BUDGET_S, GFLOP, N, T, ssrnStep, text2melStep, timeSteps } from './train-steps.ts';
import { firstLine } from '../src/util/error-line.ts';
import { missingPeer, peerNamed } from '../src/benchmark-peers.ts';

/** Timed steps per process on each side of the torch / PyTorch comparison, after 3 warm-up steps. */
const EQUAL_STEPS = 30;
/** Fresh processes per side and thread count; the median counts. */
const ROUNDS = 5;
/** The acceptance: torch's s/step at most this × PyTorch's at the same thread count. */
const WITHIN = 1.2;

interface Row { backend: string; network: string; stepsPerS: number | null; gflopPerS: number | null; note: string }
interface EqualRow { network: string; threads: number; pytorch: number | null; torch: number | null; note: string }

const CASES: { network: string; make: () => () => void; gflop: number; pytorch?: 'text2mel' | 'ssrn' }[] = [
  { network: 'Text2Mel tiny', make: () => text2melStep(TEXT2MEL_TINY), gflop: GFLOP.text2melTiny, pytorch: 'text2mel' },
  { network: 'SSRN tiny', make: () => ssrnStep(SSRN_TINY), gflop: GFLOP.ssrnTiny, pytorch: 'ssrn' },
  { network: 'Text2Mel default', make: () => text2melStep(TEXT2MEL_DEFAULT), gflop: GFLOP.text2melDefault },
  { network: 'SSRN default', make: () => ssrnStep(SSRN_DEFAULT), gflop: GFLOP.ssrnDefault },
];

/** timeSteps on a fresh model; its input tensors and variables are disposed afterwards. */
function measure(make: () => () => void, steps?: number): ReturnType<typeof timeSteps> {
  tf.engine().startScope(); // the case's input tensors; its variables go with disposeVariables
  const r = timeSteps(make(), steps);
  tf.engine().endScope();
  tf.disposeVariables();
  return r;
}

function convTimes(): string[] {
  const rows: string[] = [];
  for (const c of [64, 256]) {
    for (const dilation of [1, 27]) {
      const spec: ConvSpec = { k: 3, dilation, mode: 'causal' };
      const x = tf.randomNormal([B, T, c]) as tf.Tensor3D;
      const w = tf.randomNormal([3, c, 2 * c]) as tf.Tensor3D;
      const time = (f: () => void) => {
        try {
          // First call doubles as warm-up; when it alone takes over a second it is the figure.
          const w0 = performance.now();
          f();
          const first = performance.now() - w0;
          if (first > 1000) return `${first.toFixed(0)} ms (1 call)`;
          const t0 = performance.now();
          for (let i = 0; i < 5; i++) f();
          return `${((performance.now() - t0) / 5).toFixed(2)} ms`;
        } catch {
          return 'no gradient';
        }
      };
      const fwd = (conv: typeof tapSumConv) => () => tf.tidy(() => { tf.sum(conv(x, w, spec)).dataSync(); });
      const bwd = (conv: typeof tapSumConv) => () => tf.tidy(() => {
        for (const g of tf.grads((a, b) => tf.sum(conv(a as tf.Tensor3D, b as tf.Tensor3D, spec)))([x, w])) tf.sum(g).dataSync();
      });
      const torchCol = tf.getBackend() === 'torch' ? time(bwd(torchConv)) : '–';
      rows.push(`| ${tf.getBackend()} | ${c}→${2 * c} | ${dilation} | ${time(fwd(tapSumConv))} | ${time(fwd(nativeConv))} | ${time(bwd(tapSumConv))} | ${time(bwd(nativeConv))} | ${torchCol} |`);
      tf.dispose([x, w]);
    }
  }
  return rows;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** steps/s from the last JSON line of a child that times one network's step, or null when it failed. */
function childStepsPerS(command: string, args: string[]): number | null {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return (JSON.parse(out.trim().split('\n').at(-1)!) as { steps_per_s: number }).steps_per_s;
  } catch {
    return null;
  }
}

const median = (xs: (number | null)[]): number | null => {
  const ok = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return ok.length ? ok[Math.floor(ok.length / 2)] : null;
};

function equalThreads(network: 'text2mel' | 'ssrn', threads: number): { pytorch: number | null; torch: number | null } {
  const common = ['--network', network, '--threads', String(threads), '--steps', String(EQUAL_STEPS)];
  const py: (number | null)[] = [], ours: (number | null)[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    py.push(childStepsPerS('/usr/bin/python3', [join(HERE, 'torch_text2mel.py'), ...common, '--batch', String(B), '--text', String(N), '--frames', String(T)]));
    ours.push(childStepsPerS(process.execPath, ['--import', 'tsx', join(HERE, 'torch-step-child.ts'), ...common]));
  }
  return { pytorch: median(py), torch: median(ours) };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const noPytorch = await missingPeer('python3-torch');
  if (noPytorch) console.error(`bench train: ${noPytorch}`);
  const rows: Row[] = [];
  const convRows: string[] = [];
  const unavailable: string[] = [];
  for (const backend of ['cpu', 'wasm', 'torch']) {
    try {
      await selectBackend(backend);
    } catch (err) {
      unavailable.push(`${backend}: ${(err as Error).message}`);
      continue;
    }
    let rate: number | null = null; // GFLOP/s of the tiny Text2Mel step, to predict the bigger cases
    let crashed: string | undefined;
    for (const { network, make, gflop } of CASES) {
      if (crashed) {
        rows.push({ backend, network, stepsPerS: null, gflopPerS: null, note: `not run: the backend crashed in an earlier case` });
        continue;
      }
      if (rate !== null && gflop / rate > CASE_BUDGET_S) {
        rows.push({ backend, network, stepsPerS: null, gflopPerS: null, note: `skipped: ~${(gflop / rate).toFixed(0)} s per step predicted` });
        continue;
      }
      try {
        const r = measure(make);
        rows.push({ backend, network, stepsPerS: r.stepsPerS, gflopPerS: r.stepsPerS && r.stepsPerS * gflop, note: r.note });
        if (rate === null) rate = r.stepsPerS ? r.stepsPerS * gflop : gflop / r.warmS;
      } catch (err) {
        // tfjs-backend-wasm has aborted here ("memory access out of bounds") on the default-size
        // Text2Mel in some runs; record it and go on with the other backends.
        crashed = firstLine(err);
        rows.push({ backend, network, stepsPerS: null, gflopPerS: null, note: `crashed: ${crashed}` });
      }
    }
    if (!crashed) convRows.push(...convTimes());
  }
  const torchLoaded = rows.some((r) => r.backend === 'torch');
  const equal: EqualRow[] = [];
  for (const threads of [1, 2]) {
    for (const c of CASES) {
      if (!c.pytorch) continue;
      const note = !torchLoaded ? 'torch not loaded' : noPytorch ? `python3-torch missing: ${peerNamed('python3-torch').install}` : `median of ${ROUNDS} processes each`;
      const r = torchLoaded && !noPytorch ? equalThreads(c.pytorch, threads) : { pytorch: null, torch: null };
      equal.push({ network: c.network, threads, ...r, note });
    }
  }
  const fmt = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));
  // Time ratio torch s/step ÷ PyTorch s/step = PyTorch steps/s ÷ torch steps/s.
  const ratio = (r: EqualRow) => (r.pytorch && r.torch ? r.pytorch / r.torch : null);
  const md = [
    `Batch ${B}, text ${N}, ${T} reduced frames (docs/design.md §3.7 GFLOP per step: Text2Mel ${GFLOP.text2melTiny} tiny / ${GFLOP.text2melDefault} default, SSRN ${GFLOP.ssrnTiny} / ${GFLOP.ssrnDefault}). torch runs at its default threads here (VCPIPE_THREADS or all cores).`,
    unavailable.length ? `Backends not loaded: ${unavailable.join('; ')}.` : '',
    '',
    '| backend | network | steps/s | GFLOP/s | note |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.backend} | ${r.network} | ${fmt(r.stepsPerS)} | ${fmt(r.gflopPerS, 1)} | ${r.note} |`),
    '',
    'Tap-sum vs tf.conv1d (k 3, causal, B 8, L 60; forward, and forward+backward for input and weights):',
    '',
    '| backend | channels | δ | tap-sum fwd | conv1d fwd | tap-sum fwd+bwd | conv1d fwd+bwd | torch dilated conv + custom grad fwd+bwd |',
    '|---|---|---|---|---|---|---|---|',
    ...convRows,
    '',
    `vcpipe torch / PyTorch at equal threads: the same tiny training steps, each side in fresh processes (bench/torch-step-child.ts and bench/torch_text2mel.py: ${EQUAL_STEPS} timed steps after 3 warm-up ones), median of ${ROUNDS} alternating runs. Ratio = torch s/step ÷ PyTorch s/step; the native-backend issue accepts ≤ ${WITHIN}.`,
    '',
    `Load average at the end of the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores (2-thread rows are only meaningful on an otherwise idle machine).`,
    '',
    `| network | threads | PyTorch steps/s | torch steps/s | ratio | within ${WITHIN}× | note |`,
    '|---|---:|---:|---:|---:|---|---|',
    ...equal.map((r) => {
      const x = ratio(r);
      return `| ${r.network} | ${r.threads} | ${fmt(r.pytorch)} | ${fmt(r.torch)} | ${fmt(x)} | ${x === null ? '–' : x <= WITHIN ? 'yes' : 'no'} | ${r.note} |`;
    }),
  ].join('\n');
  return { title: 'Training throughput (Text2Mel, SSRN)', markdown: md };
}
