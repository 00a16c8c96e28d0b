// Shards of a step's items (issue 14, item 5): the bullmq executor runs a big step as N jobs, each
// computing the items of one shard into the per-item cache, then one job that finds them all
// cached and writes the step's output. An item goes to a shard by its key alone, so the process
// that fetches and publishes a shard's items and the step that computes them agree without
// passing lists around. Names of one item share the key before their first '.' (speech-corpus
// keeps `<key>.wav` and `<key>.psdur.json`): they go to the same shard.
import { createHash } from 'node:crypto';

export interface Shard {
  /** 0 … count - 1. */
  index: number;
  count: number;
}

/** A shard computes at least this many items: below that, a job's start and fetches cost more than the work. */
export const MIN_SHARD_ITEMS = 16;

/** The key of a per-item cache name: the part before its first '.'. */
export const itemKeyOf = (name: string) => name.split('.', 1)[0]!;

/** True when the item of `name` belongs to the shard (by a hash of its key, so shards come out even). */
export function inShard(name: string, shard: Shard): boolean {
  return createHash('sha256').update(itemKeyOf(name)).digest().readUInt32BE(0) % shard.count === shard.index;
}

/**
 * The shard a job asked for, with no shard below MIN_SHARD_ITEMS: of `items` items, at most
 * ⌊items / MIN_SHARD_ITEMS⌋ shards compute anything. undefined: this shard has none to compute.
 */
export function effectiveShard(shard: Shard, items: number): Shard | undefined {
  const count = Math.max(1, Math.min(shard.count, Math.floor(items / MIN_SHARD_ITEMS)));
  return shard.index < count ? { index: shard.index, count } : undefined;
}
