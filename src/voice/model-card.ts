// What a model card says about a trained Text2Mel + SSRN in a cache: the speaker and corpus size
// (from the features entry they were trained on), training steps, and the held-out WER of the
// pipeline's evaluate step — only when that evaluation judged exactly these two trained models
// (followed through the BuildRecords: evaluate → synthesize → text2mel/ssrn outputIds).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheLayout } from '../runner/cache-layout.ts';
import type { BuildRecord } from '../runner/build-record.ts';
import type { FeatureIndex } from '../data/feature-index.ts';

interface Published {
  dir: string;
  record: BuildRecord;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Every published entry of the cache with its BuildRecord. */
export function publishedEntries(cacheDir: string): Published[] {
  const cache = new CacheLayout(cacheDir);
  if (!existsSync(cache.entriesDir)) return [];
  return readdirSync(cache.entriesDir).flatMap((key) => {
    const record = readJson<BuildRecord>(cache.manifest(key));
    return record ? [{ dir: cache.entry(key), record }] : [];
  });
}

/** Utterances and hours of the features entry a training entry was built from. */
export function corpusOf(entries: Published[], trained: BuildRecord): { utterances: number; hours: number; speaker?: string } | null {
  for (const outputId of Object.values(trained.upstream)) {
    const up = entries.find((e) => e.record.outputId === outputId);
    const index = up && readJson<FeatureIndex>(join(up.dir, 'features.json'));
    if (index?.kind === 'features') {
      const seconds = index.utterances.reduce((a, u) => a + u.duration, 0);
      return { utterances: index.utterances.length, hours: Math.round((seconds / 3600) * 1000) / 1000, speaker: index.speaker };
    }
  }
  return null;
}

/**
 * The WER in evaluation.json of the newest evaluate entry that judged a synthesize entry built
 * from exactly `text2mel` and `ssrn` (their outputIds); null when none did or it has no WER.
 */
export function heldoutWerOf(entries: Published[], text2mel: BuildRecord, ssrn: BuildRecord): number | null {
  const speaks = new Set(
    entries
      .filter((e) => e.record.kind === 'synthesize' && e.record.upstream[text2mel.step] === text2mel.outputId && e.record.upstream[ssrn.step] === ssrn.outputId)
      .map((e) => e.record.outputId),
  );
  const evaluations = entries
    .filter((e) => e.record.kind === 'evaluate' && Object.values(e.record.upstream).some((id) => speaks.has(id)))
    .sort((a, b) => Date.parse(b.record.finishedAt ?? '0') - Date.parse(a.record.finishedAt ?? '0'));
  for (const e of evaluations) {
    const wer = readJson<{ summary?: { wer?: unknown } }>(join(e.dir, 'evaluation.json'))?.summary?.wer;
    if (typeof wer === 'number') return wer;
  }
  return null;
}
