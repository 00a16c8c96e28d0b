// The newest trained voice of a pipeline in its cache (what `say --pipeline` and `serve
// --pipeline` speak with): found first, without a backend (the pipeline's YAML and the cache
// layout, runner/find-trained.ts), then loaded to speak through the vocoder seam: SSRN +
// Griffin-Lim, or the mel pseudo-inverse before an SSRN is trained (vocoders/registry.ts). Its
// model card is made the way export-voice makes one.
import { basename, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { readManifest } from '../models/checkpoint.ts';
import { checkpointOf, readTrainedModelDoc } from '../models/load-trained.ts';
import { findVoice, type TrainedEntry } from '../runner/find-trained.ts';
import { PAUSE_SECONDS } from '../synthesis/join-pieces.ts';
import { loadVoice, type CheckpointChoice } from '../synthesis/load-voice.ts';
import { chooseVocoder } from '../synthesis/vocoders/registry.ts';
import type { Vocoder } from '../synthesis/vocoders/vocoder.ts';
import { corpusOf, heldoutWerOf, publishedEntries } from './model-card.ts';
import { speakingVoice, type SpeakingVoice } from '../synthesis/speaking-voice.ts';
import type { ModelCard } from './voice-format.ts';
import { VCPIPE_VERSION } from './vcpipe-version.ts';

export interface PipelineVoice {
  pipeline: string;
  cacheDir: string;
  text2mel: TrainedEntry;
  ssrn?: TrainedEntry;
  vocoder: Vocoder;
}

/** The newest trained voice of `pipeline`; none: one line naming the command to run (the cache shown as `shownCache`). */
export async function findPipelineVoice(pipeline: string, cacheDir: string, shownCache = cacheDir): Promise<PipelineVoice> {
  const found = findVoice(resolve(pipeline), cacheDir);
  if (!found.text2mel) throw new UserError(`no trained text2mel in ${shownCache} for ${pipeline} — run: npx vcpipe run ${pipeline}`);
  const vocoder = await chooseVocoder(undefined, found.ssrn !== undefined);
  return { pipeline, cacheDir, text2mel: found.text2mel, ssrn: found.ssrn, vocoder };
}

/** Its networks at checkpoint `which`, on the current backend, with the vocoder's defaults. */
export function loadPipelineVoice(p: PipelineVoice, which: CheckpointChoice): SpeakingVoice {
  return speakingVoice(loadVoice(p.text2mel.dir, which), p.vocoder, { text2melDir: p.text2mel.dir, ssrnDir: p.ssrn?.dir, ssrnWhich: which }, PAUSE_SECONDS);
}

/** The training step of checkpoint `which` of the network trained into `dir`. */
function stepOf(dir: string, which: CheckpointChoice): number {
  return readManifest(checkpointOf(dir, readTrainedModelDoc(dir), which)).step;
}

/** The model card of the voice loaded at `which`, named after the pipeline file. */
export function pipelineCard(p: PipelineVoice, v: SpeakingVoice, which: CheckpointChoice): ModelCard {
  const entries = publishedEntries(p.cacheDir);
  const recordOf = (dir: string) => entries.find((e) => e.dir === dir)!.record;
  const corpus = corpusOf(entries, recordOf(p.text2mel.dir));
  return {
    name: basename(p.pipeline).replace(/\.ya?ml$/, ''),
    speaker: v.voice.speaker ?? corpus?.speaker ?? 'unknown',
    corpus: corpus && { utterances: corpus.utterances, hours: corpus.hours },
    steps: { text2mel: v.voice.text2melStep, ssrn: p.ssrn ? stepOf(p.ssrn.dir, which) : null },
    heldoutWer: p.ssrn ? heldoutWerOf(entries, recordOf(p.text2mel.dir), recordOf(p.ssrn.dir)) : null,
    source: { pipeline: basename(p.pipeline), step: p.text2mel.step },
    vcpipe: VCPIPE_VERSION,
    created: new Date(p.text2mel.finished).toISOString(),
  };
}
