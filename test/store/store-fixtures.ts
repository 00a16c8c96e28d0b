// What the store tests share: a build record, a step's work written through a store, and the
// first-publish-wins contract every store shared between machines keeps.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { BuildRecord } from '../../src/runner/build-record.ts';
import type { Store } from '../../src/store/store.ts';

export const record = (key: string, budget: Record<string, unknown> = {}): BuildRecord => ({
  key,
  outputId: `${key}-${JSON.stringify(budget)}`,
  step: 'train',
  kind: 'shell',
  version: 1,
  params: {},
  budget,
  upstream: {},
  inputs: {},
});

/** A step's work in `store`'s work dir of `key`: out.txt with `content`, and an empty folder. */
export async function runStep(store: Store, key: string, content: string): Promise<string> {
  const work = await store.prepareWork(key, 'resume');
  mkdirSync(join(work, 'sub', 'empty'), { recursive: true });
  writeFileSync(join(work, 'out.txt'), content);
  return work;
}

/**
 * Two machines compute output k1; a publishes first and wins, b's publish discards its copy, and
 * b fetches a's output whole into its own mirror (empty folders too; the manifest is the record).
 * Returns b's fetched dir.
 */
export async function expectFirstPublishWins(a: Store, b: Store): Promise<string> {
  expect(await a.lookup('k1')).toBeUndefined();
  expect(await a.fetch('k1')).toBeUndefined();
  await runStep(a, 'k1', 'from a');
  await runStep(b, 'k1', 'from b');
  expect(await a.publish(record('k1'))).toBe('published');
  expect(await b.publish(record('k1'))).toBe('exists');
  expect(existsSync(b.workDir('k1'))).toBe(false);
  expect((await b.lookup('k1'))?.outputId).toBe(record('k1').outputId);
  const fetched = (await b.fetch('k1'))!;
  expect(fetched.startsWith(b.localDir)).toBe(true);
  expect(readFileSync(join(fetched, 'out.txt'), 'utf8')).toBe('from a');
  expect(existsSync(join(fetched, 'sub', 'empty'))).toBe(true);
  expect(JSON.parse(readFileSync(join(fetched, 'manifest.json'), 'utf8')).key).toBe('k1');
  return fetched;
}
