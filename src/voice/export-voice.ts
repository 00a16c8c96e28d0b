// A pipeline's trained voice in its cache → a voice file. The synthesize step (named, or the
// pipeline's first) says which Text2Mel and SSRN steps make the voice, its vocoder (chosen as the
// step chooses it, vocoders/registry.ts) and the vocoder's settings; the newest published entry
// of each network is exported at the chosen checkpoint.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.ts';
import { readManifest, type TrainedModelDoc } from '../models/checkpoint.ts';
import type { SsrnConfig, Text2MelConfig } from '../models/config.ts';
import { checkpointOf, readTrainedModelDoc } from '../models/load-trained.ts';
import { featureDifferences, type FeatureConfig } from '../audio/feature-config.ts';
import { SSRN_KIND, TEXT2MEL_KIND, readPipelineSteps, trainedEntries } from '../runner/find-trained.ts';
import { PAUSE_SECONDS } from '../synthesis/join-pieces.ts';
import { checkComplete, type CheckpointChoice } from '../synthesis/load-voice.ts';
import { griffinLimDefaults } from '../synthesis/vocoders/griffin-lim-settings.ts';
import { chooseVocoder } from '../synthesis/vocoders/registry.ts';
import { vocabOf } from '../text/front-end.ts';
import { corpusOf, heldoutWerOf, publishedEntries } from './model-card.ts';
import type { NetworkSpec, VoiceManifest, ModelCard } from './voice-format.ts';
import { VCPIPE_VERSION } from './vcpipe-version.ts';
import { writeVoiceFile } from './write-voice-file.ts';

export interface ExportOptions {
  pipeline: string;
  cacheDir: string;
  /** The synthesize step; default the pipeline's first. */
  step?: string;
  /** Default: the synthesize step's `checkpoint`, else latest. */
  which?: CheckpointChoice;
  out: string;
}

/** The chosen checkpoint's weights, checked complete (weights.bin holds every tensor). */
function networkOf<C>(dir: string, doc: TrainedModelDoc, which: CheckpointChoice): { spec: NetworkSpec<C>; weights: Float32Array } {
  const checkpoint = checkpointOf(dir, doc, which);
  checkComplete(checkpoint);
  const manifest = readManifest(checkpoint);
  const buf = readFileSync(join(checkpoint, 'weights.bin'));
  const weights = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { spec: { config: doc.config as unknown as C, step: manifest.step, tensors: manifest.tensors }, weights };
}

export async function exportVoice(o: ExportOptions): Promise<{ manifest: VoiceManifest; card: ModelCard }> {
  const steps = readPipelineSteps(o.pipeline);
  const synthSteps = [...steps].filter(([, s]) => s.kind === 'synthesize').map(([n]) => n);
  const stepName = o.step ?? synthSteps[0];
  if (!stepName) throw new UserError(`${o.pipeline}: no synthesize step, so no voice to export`);
  const decl = steps.get(stepName);
  if (decl?.kind !== 'synthesize') {
    throw new UserError(`${o.pipeline}: --step ${stepName} is not a synthesize step (synthesize steps: ${synthSteps.join(', ') || 'none'})`);
  }
  const w = decl.with ?? {};
  if (typeof w.text2mel !== 'string' || typeof w.ssrn !== 'string') throw new UserError(`${o.pipeline}: step ${stepName} needs both text2mel and ssrn to make a voice`);
  const retrain = `run: npx vcpipe run ${o.pipeline}`;
  const newest = (kind: string, step: string) => {
    const e = trainedEntries(o.cacheDir, kind, new Set([step]))[0];
    if (!e) throw new UserError(`no trained ${step} in ${o.cacheDir} for ${o.pipeline} — ${retrain}`);
    return e;
  };
  const t2mEntry = newest(TEXT2MEL_KIND, w.text2mel);
  const ssrnEntry = newest(SSRN_KIND, w.ssrn);
  const which = o.which ?? (w.checkpoint as CheckpointChoice | undefined) ?? 'latest';
  const t2mDoc = readTrainedModelDoc(t2mEntry.dir);
  const ssrnDoc = readTrainedModelDoc(ssrnEntry.dir);
  const t2m = networkOf<Text2MelConfig>(t2mEntry.dir, t2mDoc, which);
  const ssrn = networkOf<SsrnConfig>(ssrnEntry.dir, ssrnDoc, which);
  const differ = featureDifferences(ssrnDoc.features, t2mDoc.features);
  if (differ.length) {
    throw new UserError(`${w.ssrn} (${ssrnEntry.dir}) was trained on other features than ${w.text2mel} (${t2mEntry.dir}): ${differ.join(', ')}`);
  }
  const features = t2mDoc.features as unknown as FeatureConfig;
  const vocoder = await chooseVocoder(typeof w.vocoder === 'string' ? w.vocoder : undefined, true);
  const defaults = griffinLimDefaults(features);

  const entries = publishedEntries(o.cacheDir);
  const recordOf = (dir: string) => entries.find((e) => e.dir === dir)!.record;
  const corpus = corpusOf(entries, recordOf(t2mEntry.dir));
  const card: ModelCard = {
    name: basename(o.out).replace(/\.voice$/, ''),
    speaker: t2mDoc.speaker ?? corpus?.speaker ?? 'unknown',
    corpus: corpus && { utterances: corpus.utterances, hours: corpus.hours },
    steps: { text2mel: t2m.spec.step, ssrn: ssrn.spec.step },
    heldoutWer: heldoutWerOf(entries, recordOf(t2mEntry.dir), recordOf(ssrnEntry.dir)),
    source: { pipeline: basename(o.pipeline), step: stepName },
    vcpipe: VCPIPE_VERSION,
    created: new Date().toISOString(),
  };
  const manifest = await writeVoiceFile(o.out, {
    card,
    spec: {
      features,
      text: { vocab: vocabOf(features.text) },
      vocoder: {
        name: vocoder.name,
        griffinLimIters: typeof w.griffin_lim_iters === 'number' ? w.griffin_lim_iters : defaults.iters,
        power: typeof w.power === 'number' ? w.power : defaults.power,
        griffinLimHop: typeof w.griffin_lim_hop === 'number' ? w.griffin_lim_hop : defaults.hop,
      },
      pauseSeconds: PAUSE_SECONDS,
      text2mel: t2m.spec,
      ssrn: ssrn.spec,
    },
    text2melWeights: t2m.weights,
    ssrnWeights: ssrn.weights,
  });
  return { manifest, card };
}
