// Length-bucketed batches (docs/design.md §5.2). The plan of epoch e is a pure function of
// (seed, e, dataset), so the batching state is just the global batch counter: a resumed run
// recomputes exactly the batches an uninterrupted run would have drawn.
import { Rng } from '../models/rng.ts';
import { deriveSeed } from './seeds.ts';

/** Bucket width in text symbols (REF: boundaries minlen+1, minlen+21, …). */
const BUCKET_WIDTH = 20;

export class BucketSampler {
  private cache: { epoch: number; batches: number[][] } | undefined;
  readonly batchesPerEpoch: number;

  /** `lengths[i]` = text length N of training item i. */
  constructor(private readonly lengths: number[], readonly batchSize: number, private readonly seed: number) {
    this.batchesPerEpoch = Math.max(1, Math.floor(lengths.length / batchSize));
  }

  /** Item indices of global batch number `i` (0-based). */
  batch(i: number): number[] {
    const epoch = Math.floor(i / this.batchesPerEpoch);
    if (this.cache?.epoch !== epoch) this.cache = { epoch, batches: this.plan(epoch) };
    return this.cache.batches[i % this.batchesPerEpoch];
  }

  /** Shuffle, group into 20-symbol buckets, fill batches per bucket, pool the leftovers, shuffle the batch order. */
  private plan(epoch: number): number[][] {
    const rng = new Rng(deriveSeed(this.seed, 0x5a3b, epoch));
    const order = rng.shuffle(this.lengths.map((_, i) => i));
    const minLen = Math.min(...this.lengths);
    const buckets = new Map<number, number[]>();
    for (const i of order) {
      const b = Math.floor((this.lengths[i] - minLen) / BUCKET_WIDTH);
      let list = buckets.get(b);
      if (!list) buckets.set(b, (list = []));
      list.push(i);
    }
    const batches: number[][] = [];
    const leftovers: number[] = [];
    for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
      const list = buckets.get(key)!;
      let j = 0;
      for (; j + this.batchSize <= list.length; j += this.batchSize) batches.push(list.slice(j, j + this.batchSize));
      leftovers.push(...list.slice(j));
    }
    leftovers.sort((a, b) => this.lengths[a] - this.lengths[b]);
    for (let j = 0; j + this.batchSize <= leftovers.length; j += this.batchSize) batches.push(leftovers.slice(j, j + this.batchSize));
    rng.shuffle(batches);
    return batches.slice(0, this.batchesPerEpoch);
  }
}
