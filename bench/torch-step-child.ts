// One network's tiny training step on the torch backend, timed in a process of its own (the train
// bench's counterpart of bench/torch_text2mel.py): 3 warm-up steps, then --steps timed ones.
// Prints one JSON line {"network", "threads", "steps_per_s"}.
// Usage: node --import tsx bench/torch-step-child.ts --network text2mel|ssrn --threads N [--steps 20]
//   [--batch B --text N --frames T] [--width W] (Text2Mel d / SSRN c; default: the tiny config's)
import { parseArgs } from 'node:util';
import { tf } from '../src/models/backend.ts';
import { SSRN_TINY, TEXT2MEL_TINY } from '../src/models/config.ts';
import { torchLoad } from './torch-backend-bench.ts';
import { ssrnStep, text2melStep } from './train-steps.ts';

const { values } = parseArgs({
  options: {
    network: { type: 'string' }, threads: { type: 'string' }, steps: { type: 'string', default: '20' },
    batch: { type: 'string', default: '8' }, text: { type: 'string', default: '40' }, frames: { type: 'string', default: '60' }, width: { type: 'string' },
  },
});
const network = values.network;
if (network !== 'text2mel' && network !== 'ssrn') throw new Error('--network text2mel|ssrn');
const threads = Number(values.threads);
await torchLoad(threads);
const shape = { b: Number(values.batch), n: Number(values.text), t: Number(values.frames) };
const width = values.width === undefined ? undefined : Number(values.width);
const step = network === 'text2mel'
  ? text2melStep({ ...TEXT2MEL_TINY, maxT: Math.max(TEXT2MEL_TINY.maxT, shape.t), ...(width ? { d: width } : {}) }, shape)
  : ssrnStep({ ...SSRN_TINY, ...(width ? { c: width } : {}) }, shape);
for (let i = 0; i < 3; i++) step();
const steps = Number(values.steps);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const stepsPerS = steps / ((performance.now() - t0) / 1000);
console.log(JSON.stringify({ network, threads, steps_per_s: stepsPerS, backend: tf.getBackend() }));
