// The newest trained voice of a pipeline in its cache, loaded to speak (what `serve --pipeline`
// serves), with a model card made the same way export-voice makes one.
import { basename, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { findVoice } from '../synthesis/find-trained.ts';
import { loadVoice, type Voice } from '../synthesis/load-voice.ts';
import { PAUSE_SECONDS } from '../synthesis/synthesize.ts';
import { vocoderDefaults } from '../synthesis/vocoder-defaults.ts';
import { corpusOf, heldoutWerOf, publishedEntries } from './model-card.ts';
import type { SpeakSettings } from './speak.ts';
import type { ModelCard } from './voice-format.ts';
import { VCPIPE_VERSION } from './vcpipe-version.ts';

export function loadPipelineVoice(pipeline: string, cacheDir: string): { name: string; voice: Voice; card: ModelCard; settings: SpeakSettings } {
  const found = findVoice(resolve(pipeline), cacheDir);
  const retrain = `run: npx vcpipe run ${pipeline}`;
  if (!found.text2mel) throw new UserError(`no trained text2mel in ${cacheDir} for ${pipeline} — ${retrain}`);
  if (!found.ssrn) throw new UserError(`no trained ssrn in ${cacheDir} for ${pipeline} — ${retrain}`);
  const voice = loadVoice(found.text2mel.dir, found.ssrn.dir, 'latest');
  const entries = publishedEntries(cacheDir);
  const recordOf = (dir: string) => entries.find((e) => e.dir === dir)!.record;
  const corpus = corpusOf(entries, recordOf(found.text2mel.dir));
  const name = basename(pipeline).replace(/\.ya?ml$/, '');
  const card: ModelCard = {
    name,
    speaker: voice.speaker ?? corpus?.speaker ?? 'unknown',
    corpus: corpus && { utterances: corpus.utterances, hours: corpus.hours },
    steps: { text2mel: voice.text2melStep, ssrn: voice.ssrnStep ?? 0 },
    heldoutWer: heldoutWerOf(entries, recordOf(found.text2mel.dir), recordOf(found.ssrn.dir)),
    source: { pipeline: basename(pipeline), step: found.text2mel.step },
    vcpipe: VCPIPE_VERSION,
    created: new Date(found.text2mel.finished).toISOString(),
  };
  return { name, voice, card, settings: { ...vocoderDefaults(voice.features.n_fft), pauseSeconds: PAUSE_SECONDS } };
}
