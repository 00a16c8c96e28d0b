// The per-item caches of a step (StepKind.items) against a store shared between machines: before
// the step runs, the items of its run (or of its shard) that the store holds are brought into this
// machine's cache, so the step computes only the others; afterwards (and while it runs) the items
// it computed are put into the store for every other machine. The local cache folder is the
// per-item cache itself: nothing to do there.
import { LocalStore } from '../store/local-store.ts';
import type { Store } from '../store/store.ts';
import { loadStepKind } from '../steps/registry.ts';
import { effectiveShard, inShard, itemKeyOf, type Shard } from '../util/shard.ts';

export interface StepItemSet {
  namespace: string;
  /** The names this run (or shard) uses. */
  names: string[];
  /** The shard as the step computes it (util/shard.ts effectiveShard); undefined for a whole run. */
  shard?: Shard;
}

/**
 * The items of a step's run, or of one shard of it (undefined: the kind has none, or the store is
 * the local cache). `shard` comes back as the step must compute it: null when this shard has no
 * items to compute (the step is too small for that many shards).
 */
export async function stepItemsOf(
  store: Store,
  step: { kind: string; params: Record<string, unknown>; inputs: Record<string, string>; projectDir: string; shard?: Shard },
): Promise<StepItemSet | null | undefined> {
  const kind = await loadStepKind(step.kind);
  if (!kind.items || (store instanceof LocalStore && !step.shard)) return undefined;
  const names = await kind.items.names(step.params, step.inputs, step.projectDir);
  if (!step.shard) return { namespace: kind.items.namespace, names };
  const shard = effectiveShard(step.shard, new Set(names.map(itemKeyOf)).size);
  if (!shard) return null;
  return { namespace: kind.items.namespace, names: names.filter((n) => inShard(n, shard)), shard };
}
