// One network's tiny training step on the torch backend, timed in a process of its own (the train
// bench's counterpart of bench/torch_text2mel.py): 3 warm-up steps, then --steps timed ones.
// Prints one JSON line {"network", "threads", "steps_per_s"}.
// Usage: node --import tsx bench/torch-step-child.ts --network text2mel|ssrn --threads N [--steps 20]
import { parseArgs } from 'node:util';
import { tf } from '../src/models/backend.ts';
import { SSRN_TINY, TEXT2MEL_TINY } from '../src/models/config.ts';
import { torchLoad } from './torch-backend-bench.ts';
import { ssrnStep, text2melStep } from './train-steps.ts';

const { values } = parseArgs({ options: { network: { type: 'string' }, threads: { type: 'string' }, steps: { type: 'string', default: '20' } } });
const network = values.network;
if (network !== 'text2mel' && network !== 'ssrn') throw new Error('--network text2mel|ssrn');
const threads = Number(values.threads);
await torchLoad(threads);
const step = network === 'text2mel' ? text2melStep(TEXT2MEL_TINY) : ssrnStep(SSRN_TINY);
for (let i = 0; i < 3; i++) step();
const steps = Number(values.steps);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const stepsPerS = steps / ((performance.now() - t0) / 1000);
console.log(JSON.stringify({ network, threads, steps_per_s: stepsPerS, backend: tf.getBackend() }));
