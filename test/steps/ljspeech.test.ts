import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ljspeech } from '../../src/steps/ljspeech.ts';
import type { LjspeechParams } from '../../src/data/read-local-corpus.ts';
import { UserError } from '../../src/errors.ts';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { sha256 } from '../../src/util/hash.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

const tone = (seconds: number, sr = 22050) => encodeWav([Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => 0.3 * Math.sin(i / 10))], sr);

/** A corpus in LJSpeech layout with two good clips and one of each kind of defect. */
function ljspeechFolder(): string {
  const root = makeTempDir('ljs-');
  mkdirSync(join(root, 'wavs'));
  const good = tone(1.5);
  writeFileSync(join(root, 'wavs', 'LJ001-0001.wav'), good);
  writeFileSync(join(root, 'wavs', 'LJ001-0002.wav'), tone(0.5, 16000));
  writeFileSync(join(root, 'wavs', 'LJ001-0003.wav'), good.subarray(0, good.length - 1000)); // truncated
  writeFileSync(join(root, 'wavs', 'LJ001-0004.wav'), ''); // empty
  writeFileSync(join(root, 'wavs', 'LJ001-0005.wav'), 'ID3 this is really an mp3'); // not a WAV
  writeFileSync(join(root, 'wavs', 'LJ001-0006.wav'), encodeWav([new Float32Array(0)], 22050)); // 0 s
  const lines = [
    'LJ001-0001|Printing, in 1 sense.|Printing, in one sense.',
    'LJ001-0002|Only the raw text.|',
    'LJ001-0003|Cut short.|Cut short.',
    'LJ001-0004|Empty.|Empty.',
    'LJ001-0005|Mp3.|Mp3.',
    'LJ001-0006|Silent.|Silent.',
    'LJ001-0007',
    'LJ001-0008|Not on disk.|Not on disk.',
  ];
  const latin1Line = Buffer.from('LJ001-0009|caf\xe9 cr\xe8me|caf\xe9 cr\xe8me\n', 'latin1');
  writeFileSync(join(root, 'metadata.csv'), Buffer.concat([Buffer.from(lines.join('\n') + '\n'), latin1Line]));
  return root;
}

describe('ljspeech step', () => {
  it('reads LJSpeech layout and skips each bad item with its reason', async () => {
    const root = ljspeechFolder();
    const ctx = makeContext<LjspeechParams>({ root, speaker: 'lj' });
    await ljspeech.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.speaker).toBe('lj');
    expect(corpus.utterances.map((u) => [u.id, u.text, u.sampleRate])).toEqual([
      ['LJ001-0001', 'Printing, in one sense.', 22050],
      ['LJ001-0002', 'Only the raw text.', 16000],
    ]);
    const first = corpus.utterances[0]!;
    expect(first.audio).toBe(join(root, 'wavs', 'LJ001-0001.wav'));
    expect(first.duration).toBeCloseTo(1.5, 4);
    expect(first.sha256).toBe(sha256(tone(1.5)));
    const reasons = Object.fromEntries(corpus.skipped.map((s) => [s.file, s.reason]));
    expect(reasons).toEqual({
      'wavs/LJ001-0003.wav': expect.stringMatching(/^truncated WAV file \(header says \d+ bytes of audio, file has \d+\)$/),
      'wavs/LJ001-0004.wav': 'empty file',
      'wavs/LJ001-0005.wav': 'not a WAV file (no RIFF/WAVE header)',
      'wavs/LJ001-0006.wav': '0-second clip (no audio samples)',
      'metadata.csv:7': 'missing field (expected id|text|normalized text)',
      'wavs/LJ001-0008.wav': 'audio file missing (listed in metadata.csv:8)',
      'metadata.csv:9': 'transcript is not valid UTF-8 (unknown encoding)',
    });
    expect(ctx.warnings).toHaveLength(7);
    expect(ctx.warnings).toContain('skipped wavs/LJ001-0004.wav: empty file');
    expect(ctx.logs.at(-1)).toMatch(/^ljspeech: 2 utterances, 7 skipped: .+, and 4 more \(see warnings\)/);
  });

  it('stops at the first bad item with on_error: fail', async () => {
    const ctx = makeContext<LjspeechParams>({ root: ljspeechFolder(), on_error: 'fail' });
    const run = ljspeech.run(ctx);
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^ljspeech: metadata.csv:7: missing field .*\(on_error: fail\)$/);
  });

  it('takes only the first N usable utterances with limit', async () => {
    const root = ljspeechFolder();
    const ctx = makeContext<LjspeechParams>({ root, limit: 1 });
    await ljspeech.run(ctx);
    expect(readCorpus(ctx.outDir).utterances.map((u) => u.id)).toEqual(['LJ001-0001']);
  });

  it('reads a folder of wav + txt pairs', async () => {
    const root = makeTempDir('pairs-');
    writeFileSync(join(root, 'hello.wav'), tone(1.2));
    writeFileSync(join(root, 'hello.txt'), '\uFEFFHello there,\n  my friend.\n');
    writeFileSync(join(root, 'orphan.wav'), tone(1));
    writeFileSync(join(root, 'latin.wav'), tone(1));
    writeFileSync(join(root, 'latin.txt'), Buffer.from('na\xefve', 'latin1'));
    writeFileSync(join(root, 'blank.wav'), tone(1));
    writeFileSync(join(root, 'blank.txt'), ' \n');
    writeFileSync(join(root, 'lonely.txt'), 'No audio here.');
    const projectDir = join(root, '..');
    const ctx = makeContext<LjspeechParams>({ root: root.slice(projectDir.length + 1) }, { projectDir });
    expect(ljspeech.inputs!(ctx.params, projectDir)).toEqual([root]);
    await ljspeech.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.speaker).toBe(root.split('/').at(-1));
    expect(corpus.utterances.map((u) => [u.id, u.text])).toEqual([['hello', 'Hello there, my friend.']]);
    expect(corpus.skipped).toEqual([
      { file: 'blank.txt', reason: 'empty transcript' },
      { file: 'latin.txt', reason: 'transcript is not valid UTF-8 (unknown encoding)' },
      { file: 'orphan.wav', reason: 'no transcript (expected orphan.txt next to it)' },
      { file: 'lonely.txt', reason: 'transcript without audio (expected lonely.wav)' },
    ]);
  });

  it('reads the corpus from an upstream step output with from + subdir', async () => {
    const upstream = makeTempDir('dl-');
    mkdirSync(join(upstream, 'LJSpeech-1.1'));
    writeFileSync(join(upstream, 'LJSpeech-1.1', 'a.wav'), tone(1));
    writeFileSync(join(upstream, 'LJSpeech-1.1', 'a.txt'), 'A sentence.');
    const params = { from: 'download', subdir: 'LJSpeech-1.1' };
    const ctx = makeContext<LjspeechParams>(params, { inputs: { download: upstream } });
    expect(ljspeech.inputs!(params, '/anywhere')).toEqual([]);
    await ljspeech.run(ctx);
    const corpus = readCorpus(ctx.outDir);
    expect(corpus.speaker).toBe('LJSpeech-1.1');
    expect(corpus.utterances[0]!.audio).toBe(join(upstream, 'LJSpeech-1.1', 'a.wav'));
    await expect(ljspeech.run(makeContext<LjspeechParams>(params))).rejects.toThrow(/'from: download' names no upstream step/);
  });

  it('says so when the folder holds no corpus', async () => {
    await expect(ljspeech.run(makeContext<LjspeechParams>({ root: makeTempDir() }))).rejects.toThrow(/neither a metadata.csv nor any/);
  });
});
