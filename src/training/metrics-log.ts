// metrics.jsonl in a training step's outDir: one JSON object per logged step, appended. On resume
// the lines past the resumed step are dropped (they belong to work the checkpoint does not hold).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';

export type MetricsLine = { step: number } & Record<string, number>;

export class MetricsLog {
  readonly path: string;
  readonly lines: MetricsLine[] = [];

  constructor(outDir: string, resumedStep: number) {
    this.path = join(outDir, 'metrics.jsonl');
    if (existsSync(this.path)) {
      for (const text of readFileSync(this.path, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        try {
          const line = JSON.parse(text) as MetricsLine;
          if (line.step <= resumedStep) this.lines.push(line);
        } catch {
          // a torn last line from a killed run: dropped
        }
      }
      writeFileAtomic(this.path, this.lines.map((l) => JSON.stringify(l) + '\n').join(''));
    }
  }

  append(line: MetricsLine): void {
    this.lines.push(line);
    appendFileSync(this.path, JSON.stringify(line) + '\n');
  }

  /** Per-metric series for the loss-curve plot. */
  series(names: string[]): Record<string, { step: number; value: number }[]> {
    const out: Record<string, { step: number; value: number }[]> = {};
    for (const n of names) out[n] = this.lines.filter((l) => Number.isFinite(l[n])).map((l) => ({ step: l.step, value: l[n] }));
    return out;
  }
}
