// A cache laid out as the runner publishes it (entries/<key>/ + manifest.json BuildRecords), for
// a pipeline features → text2mel + ssrn → speak → evaluate: a tiny Text2Mel and SSRN trained for
// two steps by the real training steps on synthetic features, the synthesize entry they fed, and
// an evaluate entry whose evaluation.json holds a held-out WER. Also the voice file exported from it.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/models/backend.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { exportVoice } from '../../src/voice/export-voice.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';

export const TINY_PIPELINE = `name: tiny
steps:
  features: { kind: shell, with: { run: "true" } }
  text2mel: { kind: train-text2mel, needs: [features], with: { config: tiny } }
  ssrn: { kind: train-ssrn, needs: [features], with: { config: tiny } }
  speak: { kind: synthesize, needs: [text2mel, ssrn], with: { text2mel: text2mel, ssrn: ssrn, sentences: [Hello.] } }
  evaluate: { kind: evaluate, needs: [speak], with: { synthesis: speak } }
`;

export const HELDOUT_WER = 0.25;

export interface TinyVoice {
  root: string;
  pipeline: string;
  cache: string;
  voiceFile: string;
}

function publish(cache: string, key: string, step: string, kind: string, upstream: Record<string, string>, from?: string): void {
  const entry = join(cache, 'entries', key);
  if (from) cpSync(from, entry, { recursive: true });
  else mkdirSync(entry, { recursive: true });
  const record = { key, outputId: `id-${key}`, step, kind, version: 1, params: {}, budget: {}, upstream, inputs: {}, finishedAt: '2026-01-01T00:00:00Z' };
  writeFileSync(join(entry, 'manifest.json'), JSON.stringify(record));
}

/** Architecture and training length; the default is the smallest that trains in about a second. */
export interface TinyVoiceOptions {
  text2mel?: Record<string, unknown>;
  ssrn?: Record<string, unknown>;
  steps?: number;
  backend?: string;
}

export async function makeTinyVoice(o: TinyVoiceOptions = {}): Promise<TinyVoice> {
  await selectBackend(o.backend ?? 'wasm');
  const root = makeTempDir('vcpipe-voice-');
  const features = writeSyntheticFeatures(join(root, 'features'), { utterances: 10 });
  const steps = o.steps ?? 2;
  const common = { steps, batch_size: 4, validation: 2, log_every: steps, plot_every: 100, checkpoint_every: 100 };
  const t2m = join(root, 't2m');
  await trainText2Mel.run(makeContext({ ...common, config: o.text2mel ?? { base: 'tiny', e: 16, d: 16 } }, { outDir: t2m, inputs: { features }, backend: o.backend }));
  const ssrn = join(root, 'ssrn');
  await trainSsrn.run(makeContext({ ...common, config: o.ssrn ?? { base: 'tiny', c: 16 } }, { outDir: ssrn, inputs: { features }, backend: o.backend }));
  const cache = join(root, 'cache');
  publish(cache, 'features', 'features', 'shell', {}, features);
  publish(cache, 't2m', 'text2mel', 'train-text2mel', { features: 'id-features' }, t2m);
  publish(cache, 'ssrn', 'ssrn', 'train-ssrn', { features: 'id-features' }, ssrn);
  publish(cache, 'speak', 'speak', 'synthesize', { text2mel: 'id-t2m', ssrn: 'id-ssrn' });
  publish(cache, 'evaluate', 'evaluate', 'evaluate', { speak: 'id-speak' });
  writeFileSync(join(cache, 'entries', 'evaluate', 'evaluation.json'), JSON.stringify({ kind: 'evaluation', summary: { sentences: 1, wer: HELDOUT_WER } }));
  const pipeline = join(root, 'tiny.yaml');
  writeFileSync(pipeline, TINY_PIPELINE);
  const voiceFile = join(root, 'tiny.voice');
  await exportVoice({ pipeline, cacheDir: cache, out: voiceFile });
  return { root, pipeline, cache, voiceFile };
}
