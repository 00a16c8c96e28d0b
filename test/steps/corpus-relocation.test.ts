// The runner publishes a step's output by renaming its work dir: a corpus must stay readable there.
import { describe, it, expect } from 'vitest';
import { existsSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import { readCorpus } from '../../src/data/corpus-manifest.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

describe('a generated corpus', () => {
  it('stores its clips relative to corpus.json, so it survives being moved', async () => {
    const root = makeTempDir();
    const list = join(root, 's.txt');
    writeFileSync(list, 'A small red boat sailed home.\nThe kettle is on the stove.\n');
    const ctx = makeContext({ sentences: list }, { projectDir: root });
    await speechCorpus.run(ctx);
    const stored = JSON.parse(readFileSync(join(ctx.outDir, 'corpus.json'), 'utf8'));
    expect(stored.utterances.map((u: { audio: string }) => u.audio)).toEqual(['wavs/s0001.wav', 'wavs/s0002.wav']);

    const published = join(root, 'published');
    renameSync(ctx.outDir, published);
    const corpus = readCorpus(published);
    expect(corpus.utterances.map((u) => u.audio)).toEqual([join(published, 'wavs/s0001.wav'), join(published, 'wavs/s0002.wav')]);
    for (const u of corpus.utterances) expect(existsSync(u.audio)).toBe(true);
  });
});
