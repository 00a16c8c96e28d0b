// What the coordinator shows of a step that runs as shard jobs: one step, as with any executor.
// The shards' progress is summed into the step's (each shard counts its own items), the workers
// that run shards are named together on the step's `running` event ('w1, w2'), and their logs pass
// through; their metrics do not (the step's last job reports the step's own). Events of the
// step's own job pass unchanged.
import type { RunEvent } from '../runner/events.ts';
import type { StepMessage } from './protocol.ts';

export class ShardRelay {
  private readonly progress = new Map<number, { done: number; total: number; unit?: string }>();
  private readonly workers: string[] = [];

  constructor(
    private readonly step: string,
    private readonly emit: (e: RunEvent) => void,
  ) {}

  relay({ worker, event, shard }: StepMessage): void {
    const time = Date.now();
    if (shard === undefined) this.emit({ ...event, step: this.step, time } as RunEvent);
    else if (event.type === 'progress') {
      this.progress.set(shard, event);
      let [done, total] = [0, 0];
      for (const p of this.progress.values()) [done, total] = [done + p.done, total + p.total];
      this.emit({ type: 'progress', step: this.step, done, total, unit: event.unit, time });
    } else if (event.type === 'step' && event.state === 'running') {
      if (this.workers.includes(worker)) return;
      this.workers.push(worker);
      this.emit({ type: 'step', step: this.step, state: 'running', worker: this.workers.join(', '), time });
    } else if (event.type === 'log') this.emit({ ...event, step: this.step, time });
  }
}
