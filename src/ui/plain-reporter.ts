// Human-readable lines, one per event that matters (for logs, CI and non-TTY output).
import type { Reporter, RunEvent } from '../runner/events.ts';
import { watchLines } from '../runner/watch-lines.ts';

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const secs = (s: number) => (s < 90 ? `${s.toFixed(1)}s` : `${(s / 60).toFixed(1)}min`);

export function formatEvent(e: RunEvent): string | undefined {
  switch (e.type) {
    case 'run': {
      const head = `${clock(e.time)} run ${e.pipeline}: ${e.state}${e.message ? ` — ${e.message}` : ''}`;
      if (!e.steps) return head;
      const steps = e.steps.map((s) => `  ${s.decision === 'cached' ? 'cached' : 'runs  '} ${s.name} (${s.kind}): ${s.reason}${s.estimate !== undefined ? ` [~${secs(s.estimate)}]` : ''}`);
      return [head, ...steps].join('\n');
    }
    case 'step': {
      const extra = e.error ? `: ${e.error}${e.log ? `\n  log: ${e.log}` : ''}` : e.reason ? ` (${e.reason})` : '';
      return `${clock(e.time)} ${e.step}: ${e.state}${e.worker ? ` on ${e.worker}` : ''}${extra}`;
    }
    case 'progress':
      return undefined;
    case 'metric':
      return `${clock(e.time)} ${e.step}: ${e.name} = ${e.value}${e.at !== undefined ? ` @ ${e.at}` : ''}`;
    case 'artifact':
      return `${clock(e.time)} ${e.step}: ${e.kind} ${e.label ?? ''} ${e.path}`.replace(/ {2,}/g, ' ');
    case 'log':
      return `${clock(e.time)} ${e.step}: ${e.level === 'warn' ? 'warning: ' : ''}${e.message}`;
    case 'watch':
      return watchLines(e).map((line) => `${clock(e.time)} watch: ${line}`).join('\n') || undefined;
  }
}

export function createPlainReporter(out: NodeJS.WritableStream = process.stdout): Reporter {
  // Progress is printed at most every 10% per step, so logs stay short.
  const lastTenth = new Map<string, number>();
  return {
    onEvent(e) {
      if (e.type === 'progress') {
        const tenth = e.total > 0 ? Math.floor((10 * e.done) / e.total) : 0;
        if (lastTenth.get(e.step) === tenth) return;
        lastTenth.set(e.step, tenth);
        out.write(`${clock(e.time)} ${e.step}: ${e.done}/${e.total}${e.unit ? ` ${e.unit}` : ''}\n`);
        return;
      }
      const line = formatEvent(e);
      if (line !== undefined) out.write(line + '\n');
    },
    close: () => {},
  };
}
