// Validation on the held-out utterances, at most once per step however many observers ask (the
// metrics line, the plots and the checkpoint of one step share it). The task's check after each
// validation (Text2Mel: the alignment watchdog) runs here, so it sees every validation.
import { ItemLoader, type Item } from './dataset.ts';
import type { TrainTask, Validation } from './train-task.ts';

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class ValidationCache {
  private readonly batches: Item[][];
  private readonly loader: ItemLoader;
  private last: Validation | undefined;
  private lastStep = -1;

  constructor(private readonly task: TrainTask<unknown>, items: Item[], batchSize: number) {
    this.batches = chunk(items, batchSize);
    this.loader = new ItemLoader(task.withMag);
  }

  /** The validation at `step` (undefined without validation utterances). */
  async at(step: number): Promise<Validation | undefined> {
    if (!this.batches.length) return undefined;
    if (this.lastStep === step) return this.last;
    const loaded = await Promise.all(this.batches.map((b, i) => this.loader.get(`v${i}`, b)));
    this.last = this.task.validate(loaded);
    this.lastStep = step;
    this.task.afterValidation?.(step, this.last);
    return this.last;
  }
}
