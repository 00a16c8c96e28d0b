// Load a trained network from a training step's output directory (its model.json), as the
// synthesis step and init_from do.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { listCheckpoints, loadCheckpoint, type TrainedModelDoc } from './checkpoint.ts';
import type { SsrnConfig, Text2MelConfig } from './config.ts';
import { Ssrn } from './ssrn.ts';
import { Text2Mel } from './text2mel.ts';

export function readTrainedModelDoc(dir: string): TrainedModelDoc {
  const path = join(dir, 'model.json');
  if (!existsSync(path)) throw new UserError(`${path}: missing (is ${dir} the output of a finished training step?)`);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as TrainedModelDoc;
  if (doc.kind !== 'trained-model') throw new UserError(`${path}: not a trained-model document`);
  return doc;
}

/** Checkpoint directory for `which`: the final one, the best on validation loss, or a step number. */
export function checkpointOf(dir: string, doc: TrainedModelDoc, which: 'latest' | 'best' | number): string {
  if (which === 'latest') return join(dir, doc.latest);
  if (which === 'best') return join(dir, doc.best);
  const found = listCheckpoints(join(dir, 'checkpoints')).find((c) => c.step === which);
  if (!found) {
    const have = listCheckpoints(join(dir, 'checkpoints')).map((c) => c.step).join(', ');
    throw new UserError(`${dir}: no checkpoint at step ${which} (have ${have || 'none'})`);
  }
  return found.dir;
}

export type TrainedModel =
  | { network: 'text2mel'; model: Text2Mel; config: Text2MelConfig; features: FeatureConfig; step: number; checkpoint: string }
  | { network: 'ssrn'; model: Ssrn; config: SsrnConfig; features: FeatureConfig; step: number; checkpoint: string };

/** Build the network of `dir`'s model.json and load the chosen checkpoint's weights into it. */
export function loadTrainedModel(dir: string, which: 'latest' | 'best' | number = 'latest'): TrainedModel {
  const doc = readTrainedModelDoc(dir);
  const checkpoint = checkpointOf(dir, doc, which);
  const features = doc.features as unknown as FeatureConfig;
  if (doc.network === 'text2mel') {
    const config = doc.config as unknown as Text2MelConfig;
    const model = new Text2Mel(config);
    const m = loadCheckpoint(checkpoint, model.store.vars, null);
    return { network: 'text2mel', model, config, features, step: m.step, checkpoint };
  }
  const config = doc.config as unknown as SsrnConfig;
  const model = new Ssrn(config);
  const m = loadCheckpoint(checkpoint, model.store.vars, null);
  return { network: 'ssrn', model, config, features, step: m.step, checkpoint };
}
