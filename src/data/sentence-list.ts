// Sentence lists for the embedded corpus: one sentence per line, blank lines ignored.
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

export function readSentences(file: string): string[] {
  if (!existsSync(file)) throw new UserError(`speech-corpus: sentence list ${file} not found`);
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
