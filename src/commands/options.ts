// Parsed command-line options shared by the commands.
import { resolve } from 'node:path';
import type { Override } from '../runner/overrides.ts';

export interface CliOptions {
  file?: string;
  files: string[];
  cacheDir: string;
  overrides: Override[];
  only?: string;
  from?: string;
  force: string[];
  dryRun: boolean;
  jobs?: number;
  plain: boolean;
  json: boolean;
  /** `run --warm-start` (always on in watch): see RunOptions.warmStart. */
  warmStart: boolean;
  /** `check-data --step NAME`. */
  step?: string;
  /** `report --out FILE`. */
  outFile?: string;
  /** `watch --restart`: a change interrupts the current run instead of queueing a follow-up. */
  restart: boolean;
  /** `step --key`, `--store`, `--job`; `export --store`, `--image`, `--project-dir`. */
  key?: string;
  store?: string;
  job?: string;
  image?: string;
  projectDir?: string;
  /** `step --save-every SECONDS`. */
  saveEvery?: string;
  /** `worker --redis`, `--cpu`, `--gpu`, `--name`, `--lock SECONDS`; `run --executor`, `--redis`, `--attempts`. */
  redis?: string;
  cpu?: string;
  gpu?: string;
  name?: string;
  lock?: string;
  executor?: string;
  attempts?: string;
  /** `run --shards N`. */
  shards?: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const cacheDirOf = (dir: string | undefined) => resolve(dir ?? 'cache');
