// Sentence lists (the embedded corpus, synthesize): one sentence per line, blank lines ignored.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.ts';

/** The repository root (this file lives in src/data/). */
export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_SENTENCES = 'data/sentences.txt';

/**
 * A relative path is looked up next to the pipeline file first, then in the repository, so
 * pipelines anywhere can name the shipped lists (`data/sentences.txt`, `data/heldout.txt`).
 */
export function resolveSentenceFile(path: string, projectDir: string): string {
  if (isAbsolute(path)) return path;
  const local = resolve(projectDir, path);
  if (existsSync(local)) return local;
  const shipped = resolve(REPO_DIR, path);
  return existsSync(shipped) ? shipped : local;
}

/** The sentences of a list file; `who` (the step kind) starts the error when there are none. */
export function readSentences(file: string, who: string): string[] {
  if (!existsSync(file)) throw new UserError(`${who}: sentence list ${file} not found`);
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) throw new UserError(`${who}: sentence list ${file} has no sentences`);
  return lines;
}
