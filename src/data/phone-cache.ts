// Phones of many transcripts for the `phones` front end (src/text/phones.ts): t2p runs once per
// text ever, several at a time (a call costs a process start, ~2–25 ms), and its answer is kept in
// `${cacheDir}/items/phones/<sha256 of the text>.json`, so re-preprocessing a grown corpus asks
// t2p only about the new sentences.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { textToPhones, t2pInput } from '../text/phones.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { sha256 } from '../util/hash.ts';
import { mapPool } from './pool.ts';

export async function phonesOfAll(texts: string[], cacheDir: string, workers: number, signal?: AbortSignal): Promise<string[][]> {
  const root = join(cacheDir, 'items', 'phones');
  mkdirSync(root, { recursive: true });
  return mapPool(texts, workers, async (text) => {
    const file = join(root, `${sha256(`t2p\0${t2pInput(text)}`)}.json`);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as string[];
    const phones = await textToPhones(text, signal);
    writeJsonAtomic(file, phones);
    return phones;
  }, signal);
}
