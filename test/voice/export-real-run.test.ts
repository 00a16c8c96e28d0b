// export-voice against a cache the real runner filled: `vcpipe run` of a small demo-shaped
// pipeline (flite corpus of 12 sentences, tiny features, Text2Mel and SSRN for 3 steps each,
// synthesize, evaluate with pocketsphinx), then export, then speak with the file alone.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readWav } from '../../src/audio/wav.ts';
import { readVoiceFile } from '../../src/voice/read-voice-file.ts';
import { makeTempDir } from '../helpers/make-context.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/vcpipe.js');

const PIPELINE = `name: small
steps:
  corpus: { kind: speech-corpus, with: { engine: flite, voice: rms, sentences: sentences.txt } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, max_frames: 96 } }
  text2mel:
    kind: train-text2mel
    needs: [features]
    with: { config: { base: tiny, maxT: 96 }, steps: 3, batch_size: 4, validation: 2, checkpoint_every: 500 }
  ssrn:
    kind: train-ssrn
    needs: [features]
    with: { config: tiny, steps: 3, batch_size: 4, crop_frames: 16, validation: 2, checkpoint_every: 500 }
  heldout_teacher: { kind: speech-corpus, with: { engine: flite, voice: rms, sentences: heldout.txt } }
  speak:
    kind: synthesize
    needs: [text2mel, ssrn]
    with: { text2mel: text2mel, ssrn: ssrn, sentences: heldout.txt, max_frames: 20 }
  evaluate: { kind: evaluate, needs: [speak, heldout_teacher], with: { synthesis: speak, reference: heldout_teacher } }
`;

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const firstLines = (file: string, n: number) => readFileSync(join(ROOT, file), 'utf8').split('\n').slice(0, n).join('\n') + '\n';

describe('export-voice after a real run', () => {
  it('carries the evaluate step\'s held-out WER and the corpus size into the card; the file speaks alone', () => {
    const dir = makeTempDir('vcpipe-export-run-');
    writeFileSync(join(dir, 'sentences.txt'), firstLines('data/sentences.txt', 12));
    writeFileSync(join(dir, 'heldout.txt'), firstLines('data/heldout.txt', 2));
    writeFileSync(join(dir, 'small.yaml'), PIPELINE);
    const cache = join(dir, 'cache');
    const run = cli(['run', join(dir, 'small.yaml'), '--cache', cache, '--plain']);
    expect(run.status, run.stderr + run.stdout).toBe(0);

    const out = join(dir, 'small.voice');
    const exported = cli(['export-voice', join(dir, 'small.yaml'), '--cache', cache, '--out', out]);
    expect(exported.status, exported.stderr).toBe(0);
    const evaluation = readdirSync(join(cache, 'entries')).map((k) => join(cache, 'entries', k, 'evaluation.json')).find(existsSync)!;
    const wer = JSON.parse(readFileSync(evaluation, 'utf8')).summary.wer;
    expect(typeof wer).toBe('number');
    const { card } = readVoiceFile(out);
    expect(card).toMatchObject({ name: 'small', speaker: 'flite-rms', steps: { text2mel: 3, ssrn: 3 }, heldoutWer: wer, source: { pipeline: 'small.yaml', step: 'speak' } });
    expect(card.corpus!.utterances).toBe(12);

    const wav = join(dir, 'hello.wav');
    const said = cli(['say', 'Hello there.', '--voice', out, '--out', wav, '--max-frames', '20']);
    expect(said.status, said.stderr).toBe(0);
    expect(readWav(wav).channels[0].length).toBeGreaterThan(1600);
  }, 300_000);
});
