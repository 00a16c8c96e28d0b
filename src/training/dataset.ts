// The training data of one run: features.json from the upstream `preprocess` step, split into a
// fixed held-out validation set (the first N utterances after a seeded shuffle) and the training
// set, with arrays read from the .npy files on demand.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeNpy } from '../util/npy.ts';
import { hashJson } from '../util/hash.ts';
import { UserError } from '../errors.ts';
import { readFeatures, type FeatureIndex, type FeatureUtterance } from '../data/feature-index.ts';
import { Rng } from '../models/rng.ts';
import { deriveSeed } from './seeds.ts';
import type { Rehearsal } from './rehearsal.ts';

export interface Item {
  utt: FeatureUtterance;
  /** Absolute paths of the arrays. */
  melPath: string;
  magPath: string;
  /** The mel the network takes as input in place of the one at melPath (an SSRN's GTA mels, gta-mels.ts). */
  inputMel?: Float32Array;
}

export interface Split {
  index: FeatureIndex;
  train: Item[];
  validation: Item[];
  batchSize: number;
  /** Fingerprint of the utterance list (detects a grown dataset on resume), the rehearsed one's included. */
  fingerprint: string;
  /** Another speaker's utterances mixed into every training batch (params rehearse, rehearse_share). */
  rehearsal?: Rehearsal;
}

/** The training items of a features directory, in features.json order. */
export function itemsOf(dir: string, index: FeatureIndex): Item[] {
  return index.utterances.map((utt) => ({ utt, melPath: join(dir, utt.mel), magPath: join(dir, utt.mag) }));
}

/** What identifies an utterance list for resuming: ids, lengths and array files. */
export const utterancesFingerprint = (utts: FeatureUtterance[]): string => hashJson(utts.map((u) => [u.id, u.frames, u.mel]));

/** The single upstream features directory among ctx.inputs (the one holding features.json). */
export function findFeaturesDir(inputs: Record<string, string>, exclude: string[] = []): string {
  const dirs = Object.entries(inputs).filter(([name]) => !exclude.includes(name));
  const found = dirs.filter(([, dir]) => existsSync(join(dir, 'features.json')));
  if (found.length === 1) return found[0][1];
  if (!found.length) throw new UserError(`no upstream step with features.json among needs (${dirs.map(([n]) => n).join(', ') || 'none'}); add the preprocess step to needs`);
  throw new UserError(`several upstream feature sets (${found.map(([n]) => n).join(', ')}); a training step reads exactly one`);
}

/**
 * Split the dataset. Fewer utterances than batch_size + validation: validation shrinks first (so
 * at least 2 remain for training), then the batch; fewer than 2 utterances is an error.
 */
export function splitDataset(dir: string, want: { batchSize: number; validation: number; seed: number }, warn: (m: string) => void): Split {
  const index = readFeatures(dir);
  const items = itemsOf(dir, index);
  if (items.length < 2) {
    throw new UserError(`the dataset has ${items.length} usable utterance(s) (${dir}); training needs at least 2 — add recordings or check the preprocess step's skipped list`);
  }
  let validation = want.validation;
  if (items.length - validation < 2) {
    const v = Math.max(0, items.length - 2);
    warn(`only ${items.length} utterances: validation set shrunk from ${validation} to ${v}`);
    validation = v;
  }
  const order = new Rng(deriveSeed(want.seed, 0x7a11)).shuffle(items.map((_, i) => i));
  const held = order.slice(0, validation).map((i) => items[i]);
  const train = order.slice(validation).sort((a, b) => a - b).map((i) => items[i]);
  let batchSize = want.batchSize;
  if (train.length < batchSize) {
    warn(`only ${train.length} training utterances: batch_size lowered from ${batchSize} to ${train.length}`);
    batchSize = train.length;
  }
  return { index, train, validation: held, batchSize, fingerprint: utterancesFingerprint(index.utterances) };
}

export interface Loaded {
  item: Item;
  /** [T', F] row-major. */
  mel: Float32Array;
  /** [r·T', F'] row-major, when requested. */
  mag?: Float32Array;
}

/**
 * Reads items' arrays; mels are kept in memory (small), magnitudes are read each time. The file
 * reads of the next batch run in the libuv pool while the current batch trains (prefetch).
 */
export class ItemLoader {
  private mels = new Map<string, Float32Array>();
  private pending = new Map<string, Promise<Loaded[]>>();

  constructor(private readonly withMag: boolean) {}

  private async readOne(item: Item): Promise<Loaded> {
    const known = item.inputMel ?? this.mels.get(item.melPath);
    const melP = known ? Promise.resolve(known) : readFile(item.melPath).then((b) => {
      const read = decodeNpy(b, item.melPath).data as Float32Array;
      this.mels.set(item.melPath, read);
      return read;
    });
    const magP = this.withMag ? readFile(item.magPath).then((b) => decodeNpy(b, item.magPath).data as Float32Array) : Promise.resolve(undefined);
    const [mel, mag] = await Promise.all([melP, magP]);
    return { item, mel, mag };
  }

  /** Start reading `items` under `key` (no-op when already started). */
  prefetch(key: string, items: Item[]): void {
    if (!this.pending.has(key)) {
      const p = Promise.all(items.map((it) => this.readOne(it)));
      p.catch(() => {}); // surfaced by get()
      this.pending.set(key, p);
    }
  }

  async get(key: string, items: Item[]): Promise<Loaded[]> {
    this.prefetch(key, items);
    const p = this.pending.get(key)!;
    this.pending.delete(key);
    return p;
  }
}
