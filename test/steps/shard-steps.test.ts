// The two kinds with per-item caches as shards (ctx.shard), in process on real data: each shard
// computes exactly its share of the items into the cache and writes no output; together they
// compute every item once, and the whole run afterwards finds them all cached. `items.names` lists
// exactly the names the run leaves in its item folder; no shard is cut below MIN_SHARD_ITEMS.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav.ts';
import type { CorpusUtterance } from '../../src/data/corpus-manifest.ts';
import type { PreprocessParams } from '../../src/data/preprocess-corpus.ts';
import type { SpeechCorpusParams } from '../../src/data/speak-corpus.ts';
import { preprocess } from '../../src/steps/preprocess.ts';
import { speechCorpus } from '../../src/steps/speech-corpus.ts';
import { sha256 } from '../../src/util/hash.ts';
import { MIN_SHARD_ITEMS, effectiveShard, inShard } from '../../src/util/shard.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

/** `n` short tones (each a distinct clip) and their corpus.json. */
function toneCorpus(dir: string, n: number): void {
  const utterances: CorpusUtterance[] = Array.from({ length: n }, (_, i) => {
    const x = Float32Array.from({ length: 4000 }, (_, t) => 0.4 * Math.sin((2 * Math.PI * (200 + 10 * i) * t) / 16000));
    const bytes = encodeWav([x], 16000, 'pcm16');
    const audio = join(dir, `c${i}.wav`);
    writeFileSync(audio, bytes);
    return { id: `c${i}`, text: `tone number ${i}`, audio, sha256: sha256(bytes), duration: 0.25, sampleRate: 16000 };
  });
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ kind: 'corpus', speaker: 'tones', utterances, skipped: [] }));
}

/** The number in the shard's summary log line ("... computed for N" / "N generated"). */
const computed = (logs: string[], pattern: RegExp) => logs.map((l) => pattern.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));

describe('steps with per-item caches as shards', { timeout: 60_000 }, () => {
  it('preprocess: two shards compute disjoint halves; the whole run then reuses all', async () => {
    const corpus = makeTempDir();
    toneCorpus(corpus, 40);
    const cacheDir = join(makeTempDir(), 'cache');
    const params: PreprocessParams = { config: 'tiny', workers: 1 };
    const names = await preprocess.items!.names(params, { corpus }, corpus);
    expect(new Set(names).size).toBe(40);
    const counts: number[] = [];
    for (const index of [0, 1]) {
      const ctx = makeContext(params, { cacheDir, inputs: { corpus } });
      ctx.shard = { index, count: 2 };
      await preprocess.run(ctx);
      expect(readdirSync(ctx.outDir)).toEqual([]);
      counts.push(...computed(ctx.logs, /^shard \d of 2: features computed for (\d+)/));
      // Exactly its share is in the cache so far.
      const share = names.filter((n) => inShard(n, { index, count: 2 }));
      for (const n of share) expect(existsSync(join(cacheDir, 'items', 'features', n, 'meta.json'))).toBe(true);
    }
    expect(counts).toEqual([names.filter((n) => inShard(n, { index: 0, count: 2 })).length, names.filter((n) => inShard(n, { index: 1, count: 2 })).length]);
    expect(counts[0]! + counts[1]!).toBe(40);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(readdirSync(join(cacheDir, 'items', 'features')).sort()).toEqual([...names].sort());

    const whole = makeContext(params, { cacheDir, inputs: { corpus } });
    await preprocess.run(whole);
    expect(whole.metrics).toContainEqual({ name: 'computed', value: 0 });
    expect(whole.metrics).toContainEqual({ name: 'reused', value: 40 });
    expect(existsSync(join(whole.outDir, 'features.json'))).toBe(true);
  });

  it('speech-corpus: two shards speak disjoint halves; the whole run then generates none', async () => {
    const cacheDir = join(makeTempDir(), 'cache');
    const params: SpeechCorpusParams = { count: 20, workers: 1 };
    const project = makeTempDir();
    const names = await speechCorpus.items!.names(params, {}, project);
    expect(names).toHaveLength(20);
    expect(names.every((n) => /^[0-9a-f]{64}\.wav$/.test(n))).toBe(true);
    expect(await speechCorpus.items!.names({ ...params, phone_durations: true }, {}, project)).toEqual(names.flatMap((n) => [n, n.replace('.wav', '.psdur.json')]));
    let generated = 0;
    for (const index of [0, 1]) {
      const ctx = makeContext(params, { cacheDir, projectDir: project });
      ctx.shard = { index, count: 2 };
      await speechCorpus.run(ctx);
      expect(readdirSync(ctx.outDir)).toEqual([]);
      const [n] = computed(ctx.logs, /^speech-corpus: shard \d of 2: (\d+) generated/);
      expect(n).toBe(names.filter((x) => inShard(x, { index, count: 2 })).length);
      generated += n!;
    }
    expect(generated).toBe(20);
    expect(readdirSync(join(cacheDir, 'items', 'speech')).sort()).toEqual([...names].sort());
    const whole = makeContext(params, { cacheDir, projectDir: project });
    await speechCorpus.run(whole);
    expect(whole.metrics).toContainEqual({ name: 'generated', value: 0 });
  });

  it('no shard computes fewer than MIN_SHARD_ITEMS items', () => {
    expect(MIN_SHARD_ITEMS).toBeGreaterThan(1);
    expect(effectiveShard({ index: 1, count: 4 }, 2 * MIN_SHARD_ITEMS + 1)).toEqual({ index: 1, count: 2 });
    expect(effectiveShard({ index: 2, count: 4 }, 2 * MIN_SHARD_ITEMS + 1)).toBeUndefined();
    expect(effectiveShard({ index: 0, count: 4 }, 3)).toEqual({ index: 0, count: 1 });
    expect(effectiveShard({ index: 3, count: 4 }, 100 * MIN_SHARD_ITEMS)).toEqual({ index: 3, count: 4 });
  });
});
