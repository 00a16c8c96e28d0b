// What train-text2mel and train-ssrn share around the loop: backend, features, model config,
// params (size-dependent defaults follow the model size), the data split.
import { join } from 'node:path';
import { selectBackend } from '../models/backend.ts';
import type { TrainingContext } from './context.ts';
import { readFeatures } from '../data/feature-index.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { findFeaturesDir, splitDataset, type Split } from './dataset.ts';
import { loadRehearsal } from './rehearsal.ts';
import { hashJson } from '../util/hash.ts';
import { resolveTrainParams, type ResolvedTrainParams, type TrainParams } from './params.ts';

export interface TrainingSetup<C> {
  features: FeatureConfig;
  model: { config: C; tiny: boolean; label: string };
  split: Split;
  params: ResolvedTrainParams;
}

export async function setUpTraining<C>(
  ctx: TrainingContext & { params: TrainParams; backend: string },
  pickConfig: (features: FeatureConfig, featuresPath: string) => { config: C; tiny: boolean; label: string },
): Promise<TrainingSetup<C>> {
  await selectBackend(ctx.backend || 'auto', (line) => ctx.log(line));
  const exclude = [ctx.params.init_from, ctx.params.rehearse].filter((n): n is string => !!n);
  const featuresDir = findFeaturesDir(ctx.inputs, exclude);
  const features = readFeatures(featuresDir).config;
  const model = pickConfig(features, join(featuresDir, 'features.json'));
  const params = resolveTrainParams(ctx.params, model.tiny);
  const split = splitDataset(featuresDir, { batchSize: params.batchSize, validation: params.validation, seed: params.seed }, (m) => ctx.warn(m));
  ctx.log(`model config ${model.label}; ${split.train.length} training and ${split.validation.length} validation utterances, batch ${split.batchSize}`);
  if (!params.rehearse) return { features, model, split, params };
  const rehearsal = loadRehearsal(ctx.inputs, params.rehearse, params.rehearseShare, split.batchSize, features);
  ctx.log(`rehearse: ${rehearsal.perBatch} of each batch's ${split.batchSize} utterances from ${rehearsal.name} (${rehearsal.items.length} utterances)`);
  return { features, model, split: { ...split, rehearsal, fingerprint: hashJson([split.fingerprint, rehearsal.fingerprint]) }, params };
}
