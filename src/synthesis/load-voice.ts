// The trained networks a synthesis speaks with, loaded from training step outputs (model.json +
// checkpoint, src/models/load-trained.ts): the Text2Mel here, an SSRN by the vocoder that uses one
// (vocoders/griffin-lim-ssrn.ts); or built from weights already in memory (a voice file's parts,
// src/voice/). Anything wrong with a checkpoint (truncated, another architecture) becomes one
// UserError line naming the directory (or the weights' label).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { firstLine } from '../util/error-line.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { assignWeights, readManifest, type TensorEntry } from '../models/checkpoint.ts';
import type { VarStore } from '../models/layers.ts';
import { checkpointOf, loadTrainedModel, readTrainedModelDoc, type TrainedModel } from '../models/load-trained.ts';
import type { Text2Mel } from '../models/text2mel.ts';

export type CheckpointChoice = 'latest' | 'best' | number;

/** A trained network carried in memory (a voice file's part) rather than in a training step's output. */
export interface NetworkInMemory<C> {
  config: C;
  step: number;
  /** Where each tensor lies in `weights` (checkpoint.ts layout). */
  tensors: TensorEntry[];
  weights: Float32Array;
  /** Names where the weights came from in messages, e.g. "demo.voice: ssrn.bin". */
  label: string;
}

export interface Voice {
  text2mel: Text2Mel;
  features: FeatureConfig;
  text2melStep: number;
  /** Speaker label from the Text2Mel's model.json, where it carries one (TrainedModelDoc has no such field yet). */
  speaker?: string;
  dispose(): void;
}

/** weights.bin must hold every tensor of the manifest as float32 (checkpoint.ts layout). */
export function checkComplete(checkpoint: string): void {
  let manifest: ReturnType<typeof readManifest>;
  try {
    manifest = readManifest(checkpoint);
  } catch (err) {
    throw new UserError(`${checkpoint}: unreadable checkpoint manifest (${firstLine(err)})`);
  }
  const values = manifest.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const path = join(checkpoint, 'weights.bin');
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    throw new UserError(`${path}: missing — the checkpoint is incomplete; retrain or pick another with checkpoint:`);
  }
  if (bytes !== values * 4) {
    throw new UserError(`${path}: ${bytes} bytes but the manifest needs ${values * 4} — the checkpoint is truncated or damaged; retrain or pick another with checkpoint:`);
  }
}

/** The `network` trained into `dir`, its checkpoint `which` checked complete before loading. */
export function loadTrainedNetwork<N extends TrainedModel['network']>(dir: string, network: N, which: CheckpointChoice) {
  const doc = readTrainedModelDoc(dir);
  if (doc.network !== network) throw new UserError(`${join(dir, 'model.json')}: a ${doc.network} model where a ${network} is needed`);
  const checkpoint = checkpointOf(dir, doc, which);
  checkComplete(checkpoint);
  try {
    return { doc, trained: loadTrainedModel(dir, which) as Extract<TrainedModel, { network: N }> };
  } catch (err) {
    if (err instanceof UserError) throw err;
    // loadCheckpoint's messages start with `checkpoint <dir>: `; the line names the dir once.
    throw new UserError(`${checkpoint}: cannot load the ${network}: ${firstLine(err).replace(`checkpoint ${checkpoint}: `, '')}`);
  }
}

/** `model` (freshly built from `n.config`) with the weights of `n`; a mismatch disposes it and is one UserError line. */
export function withWeightsInMemory<M extends { store: VarStore }>(model: M, n: NetworkInMemory<unknown>): M {
  try {
    assignWeights(n.label, n.tensors, n.weights, model.store.vars);
  } catch (err) {
    model.store.dispose();
    throw new UserError(firstLine(err));
  }
  return model;
}

export function loadVoice(text2melDir: string, which: CheckpointChoice): Voice {
  const t = loadTrainedNetwork(text2melDir, 'text2mel', which);
  const text2mel = t.trained.model;
  const speaker = t.doc.speaker;
  return {
    text2mel, features: t.trained.features, text2melStep: t.trained.step,
    speaker: typeof speaker === 'string' ? speaker : undefined,
    dispose: () => text2mel.store.dispose(),
  };
}
