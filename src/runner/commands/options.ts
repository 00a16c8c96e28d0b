// Parsed command-line options shared by the commands.
import { resolve } from 'node:path';
import type { Override } from '../overrides.ts';

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
  out: (line: string) => void;
  err: (line: string) => void;
}

export const cacheDirOf = (dir: string | undefined) => resolve(dir ?? 'cache');
