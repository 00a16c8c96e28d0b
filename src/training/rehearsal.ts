// Rehearsal for fine-tunes: a share of every training batch comes from another preprocess
// step's utterances, so a network trained on new data keeps what it learned from earlier data
// (mixing the source data back in is the standard remedy against catastrophic forgetting). The
// networks have no speaker input, so this suits a voice continued on new recordings of the same
// speaker; rehearsing the base speaker in a clone's Text2Mel blends the two voices, while its
// SSRN, which follows the mel it is given, takes it without losing her timbre (both measured in
// docs/benchmarks.md, "The clone"). The draw of batch i is a pure function of (seed, i), so a
// resumed run draws what an uninterrupted one would have.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { readFeatures } from '../data/feature-index.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { Rng } from '../models/rng.ts';
import { hashJson } from '../util/hash.ts';
import { itemsOf, utterancesFingerprint, type Item } from './dataset.ts';
import { deriveSeed } from './seeds.ts';

export interface Rehearsal {
  /** The step whose utterances are rehearsed. */
  name: string;
  items: Item[];
  /** Utterances of each training batch drawn from `items` (the rest come from the step's own data). */
  perBatch: number;
  /** Fingerprint of the rehearsed utterance list. */
  fingerprint: string;
}

/**
 * The rehearsal set of `name` (one of `inputs`, a preprocess output) for batches of `batchSize`:
 * round(share·batchSize) of each batch, at least 1 and leaving at least 1 for the step's own data.
 * Its features must be those of the data trained on (same extraction, same text front end).
 */
export function loadRehearsal(inputs: Record<string, string>, name: string, share: number, batchSize: number, own: FeatureConfig): Rehearsal {
  const dir = inputs[name];
  if (!dir) throw new UserError(`rehearse: '${name}' is not among this step's needs (${Object.keys(inputs).join(', ')})`);
  if (!existsSync(join(dir, 'features.json'))) throw new UserError(`rehearse: '${name}' has no features.json; name a preprocess step`);
  const index = readFeatures(dir);
  if (hashJson(index.config) !== hashJson(own)) {
    throw new UserError(`rehearse: '${name}' has other features than the data this step trains on (${JSON.stringify(index.config)} against ${JSON.stringify(own)}); preprocess both with the same config and text`);
  }
  if (batchSize < 2) throw new UserError(`rehearse: a batch of ${batchSize} has no room for both speakers; batch_size must be at least 2`);
  if (!index.utterances.length) throw new UserError(`rehearse: '${name}' has no utterances`);
  const perBatch = Math.min(batchSize - 1, Math.max(1, Math.round(share * batchSize)));
  return { name, items: itemsOf(dir, index), perBatch, fingerprint: hashJson([perBatch, utterancesFingerprint(index.utterances)]) };
}

/** The rehearsed utterances of global batch `i`: `perBatch` distinct ones (fewer if the set is smaller). */
export function rehearsedItems(r: Rehearsal, seed: number, i: number): Item[] {
  const rng = new Rng(deriveSeed(seed, 0x4e4e, i));
  const picked = new Set<number>();
  const want = Math.min(r.perBatch, r.items.length);
  while (picked.size < want) picked.add(rng.int(r.items.length));
  return [...picked].map((j) => r.items[j]!);
}
