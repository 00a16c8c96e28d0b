// The trained networks a synthesis speaks with: a Text2Mel and optionally an SSRN, loaded from
// training step outputs (model.json + checkpoint, src/models/load-trained.ts) and checked to agree
// on the features. Anything wrong with a checkpoint (truncated, another architecture) becomes one
// UserError line naming the directory.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { firstLine } from '../util/error-line.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { readManifest } from '../models/checkpoint.ts';
import { checkpointOf, loadTrainedModel, readTrainedModelDoc, type TrainedModel } from '../models/load-trained.ts';
import type { Ssrn } from '../models/ssrn.ts';
import type { Text2Mel } from '../models/text2mel.ts';

export type CheckpointChoice = 'latest' | 'best' | number;

export interface Voice {
  text2mel: Text2Mel;
  /** Absent: mel → linear by the mel pseudo-inverse (previews during training). */
  ssrn?: Ssrn;
  features: FeatureConfig;
  text2melStep: number;
  ssrnStep?: number;
  /** Speaker label from the Text2Mel's model.json, where it carries one (TrainedModelDoc has no such field yet). */
  speaker?: string;
  dispose(): void;
}

/** weights.bin must hold every tensor of the manifest as float32 (checkpoint.ts layout). */
function checkComplete(checkpoint: string): void {
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

function load<N extends TrainedModel['network']>(dir: string, network: N, which: CheckpointChoice) {
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

const FEATURE_KEYS = ['sample_rate', 'n_fft', 'hop_length', 'win_length', 'n_mels', 'r', 'ref_db', 'max_db', 'preemphasis'] as const;

/** `ssrnWhich` picks the SSRN's checkpoint apart from the Text2Mel's (a training preview speaks
 * Text2Mel step N with the SSRN's latest); it defaults to `which`. */
export function loadVoice(text2melDir: string, ssrnDir: string | undefined, which: CheckpointChoice, ssrnWhich: CheckpointChoice = which): Voice {
  const t = load(text2melDir, 'text2mel', which);
  const text2mel = t.trained.model;
  const features = t.trained.features;
  let ssrn: Ssrn | undefined;
  let ssrnStep: number | undefined;
  if (ssrnDir) {
    try {
      const s = load(ssrnDir, 'ssrn', ssrnWhich);
      ssrn = s.trained.model;
      ssrnStep = s.trained.step;
      const differ = FEATURE_KEYS.filter((k) => s.trained.features[k] !== features[k]);
      if (differ.length) {
        throw new UserError(`the SSRN (${ssrnDir}) was trained on other features than the Text2Mel (${text2melDir}): ${differ.map((k) => `${k} ${s.trained.features[k]} vs ${features[k]}`).join(', ')}`);
      }
    } catch (err) {
      text2mel.store.dispose();
      ssrn?.store.dispose();
      throw err;
    }
  }
  const speaker = t.doc.speaker;
  return {
    text2mel, ssrn, features, text2melStep: t.trained.step, ssrnStep,
    speaker: typeof speaker === 'string' ? speaker : undefined,
    dispose() {
      text2mel.store.dispose();
      ssrn?.store.dispose();
    },
  };
}
