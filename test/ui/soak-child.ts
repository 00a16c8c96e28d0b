// Child of test/ui/dashboard-soak.test.ts (run with --expose-gc): streams a long training run's
// reports — two steps' progress, metric bursts, pictures, checkpoints, alignment matrices, log
// lines — through what the coordinator keeps of them (LiveSteps, the run snapshot's source) and
// the real dashboard reporter, loaded as `vcpipe run` loads it, drawing on an in-memory terminal.
// Prints one JSON line: heap after a full GC at REPORT_AT events and at the end, the performance
// entries left in Node's global buffer, frames drawn and the last frame's text.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { RunEvent } from '../../src/runner/events.ts';
import { ALIGNMENT_MATRIX_LABEL } from '../../src/training/alignment-matrix.ts';
import { LiveSteps } from '../../src/runner/live-steps.ts';
import { loadDashboard } from '../../src/ui/choose-reporter.ts';

const TOTAL = Number(process.argv[2] ?? 100_000);
const REPORT_AT = Number(process.argv[3] ?? 20_000);
/** Events between two yields to the event loop (each yield lets the dashboard draw once). */
const CHUNK = 200;
const STEPS = ['text2mel', 'ssrn'];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

class Terminal extends EventEmitter {
  columns = 110;
  rows = 45;
  frames = 0;
  last = '';
  write(data: string): boolean {
    this.frames += 1;
    this.last = data;
    return true;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vcpipe-soak-'));
const matrixPath = join(dir, 'alignment-latest.json');
writeFileSync(matrixPath, JSON.stringify({ rows: 20, cols: 60, data: Array.from({ length: 1200 }, (_, i) => (Math.floor(i / 60) === Math.floor((i % 60) / 3) ? 1 : 0.01)) }));

/** The i-th event of the run: mostly progress, a metric burst every 50 steps, files every 500. */
function* run(): Generator<RunEvent> {
  let time = Date.UTC(2026, 0, 1);
  const target = TOTAL;
  for (let step = 1; ; step++) {
    for (const name of STEPS) {
      time += 50;
      yield { type: 'progress', step: name, done: step, total: target, unit: 'steps', time };
      if (step % 50 === 0) {
        for (const m of ['loss', 'l1', 'bd', 'att', 'grad_norm', 'lr', 'steps_per_s', 's_per_step', 'val_loss', 'diagonality']) {
          yield { type: 'metric', step: name, name: m, value: 1 / step + Math.random() * 1e-3, at: step, time };
        }
      }
      if (step % 500 === 0) {
        yield { type: 'artifact', step: name, path: join(dir, name, 'plots', `alignment-step-${step}.png`), kind: 'image', label: `alignment at step ${step}`, time };
        yield { type: 'artifact', step: name, path: matrixPath, kind: 'other', label: ALIGNMENT_MATRIX_LABEL, time };
        yield { type: 'artifact', step: name, path: join(dir, name, 'previews', `step-${step}`, 'p0.wav'), kind: 'audio', label: `preview at step ${step}`, time };
        yield { type: 'artifact', step: name, path: join(dir, name, 'model.json'), kind: 'checkpoint', label: `${name} at step ${step}`, time };
        yield { type: 'log', step: name, level: 'info', message: `checkpoint at step ${step}`, time };
      }
    }
  }
}

const { createDashboardReporter } = await loadDashboard();
const terminal = new Terminal();
const reporter = createDashboardReporter({ stdout: terminal as unknown as NodeJS.WriteStream, redrawIntervalMs: 0 });
const live = new LiveSteps();
const start = Date.UTC(2026, 0, 1);
const planned = STEPS.map((name) => ({ name, kind: `train-${name}`, needs: [], decision: 'runs' as const, reason: 'new' }));
reporter.onEvent({ type: 'run', state: 'running', pipeline: 'soak', steps: planned, time: start });
for (const name of STEPS) reporter.onEvent({ type: 'step', step: name, state: 'running', time: start });

const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
let sent = 0;
let heapAtReport = 0;
let snapshotBytes = 0;
for (const event of run()) {
  live.record(event);
  reporter.onEvent(event);
  sent += 1;
  if (sent % CHUNK === 0) await new Promise((r) => setTimeout(r, 0));
  if (sent === REPORT_AT) heapAtReport = heapAfterGc();
  if (sent >= TOTAL) break;
}
await new Promise((r) => setTimeout(r, 20));
const screen = stripVTControlCharacters(terminal.last);
const heapAtEnd = heapAfterGc();
snapshotBytes = JSON.stringify(STEPS.map((s) => live.view(s))).length;
const entries = performance.getEntries().length;
await reporter.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({ sent, heapAtReport, heapAtEnd, entries, frames: terminal.frames, snapshotBytes, nodeEnv: process.env.NODE_ENV ?? null, screen }) + '\n',
);
process.exit(0);
