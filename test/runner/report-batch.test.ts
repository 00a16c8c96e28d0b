// The step process's report batching (src/runner/report-batch.ts), on real timers: a training
// step's flood of progress becomes a few messages a second, the last values always arrive, and
// nothing but superseded progress and metric values is ever dropped.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReportBatch } from '../../src/runner/report-batch.ts';
import type { StepReport } from '../../src/runner/worker-protocol.ts';

const progress = (done: number): StepReport => ({ type: 'progress', done, total: 1000, unit: 'steps', time: done });
const metric = (name: string, value: number): StepReport => ({ type: 'metric', name, value, at: value, time: value });

describe('ReportBatch', () => {
  it('sends a few batches a second however fast progress comes, ending on the last value', async () => {
    const batches: StepReport[][] = [];
    const batch = new ReportBatch((reports) => batches.push(reports), 100);
    const started = Date.now();
    let done = 0;
    while (Date.now() - started < 600) {
      batch.add(progress(++done));
      await sleep(1);
    }
    batch.flush();
    const seconds = (Date.now() - started) / 1000;
    expect(done).toBeGreaterThan(100);
    // One batch per 100 ms interval (plus the final flush), each holding one progress report.
    expect(batches.length).toBeLessThanOrEqual(2 + seconds * 10);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const b of batches) expect(b).toHaveLength(1);
    expect(batches.at(-1)).toEqual([progress(done)]);
    const seen = batches.map((b) => (b[0]!.type === 'progress' ? b[0]!.done : -1));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('keeps the latest value of each metric, and sends every artifact and log line at once with what came before it', async () => {
    const batches: StepReport[][] = [];
    const batch = new ReportBatch((reports) => batches.push(reports), 50);
    const art: StepReport = { type: 'artifact', path: '/w/plots/a.png', kind: 'image', label: 'alignment', time: 1 };
    const log: StepReport = { type: 'log', level: 'warn', message: 'careful', time: 2 };
    batch.add(progress(1));
    batch.add(metric('loss', 0.9));
    batch.add(metric('lr', 0.001));
    batch.add(metric('loss', 0.5));
    expect(batches).toEqual([]);
    batch.add(art);
    expect(batches).toEqual([[progress(1), metric('lr', 0.001), metric('loss', 0.5), art]]);
    batch.add(metric('loss', 0.4));
    batch.add(log);
    batch.add(progress(2));
    batch.add(progress(3));
    expect(batches.slice(1)).toEqual([[metric('loss', 0.4), log]]);
    await sleep(150);
    expect(batches.slice(2)).toEqual([[progress(3)]]);
  });

  it('flush() sends what is pending at once and nothing when empty', () => {
    const batches: StepReport[][] = [];
    const batch = new ReportBatch((reports) => batches.push(reports), 60_000);
    batch.flush();
    expect(batches).toEqual([]);
    batch.add(progress(7));
    batch.flush();
    batch.flush();
    expect(batches).toEqual([[progress(7)]]);
  });
});
