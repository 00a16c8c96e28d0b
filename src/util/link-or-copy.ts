// Places a cached file into a step's output without copying its bytes when it can.
import { copyFileSync, linkSync, rmSync } from 'node:fs';

/**
 * Hard link `from` at `to` (replacing what is there); a copy when linking fails (the cache on
 * another file system, or one that has no hard links). The cache entry stays the only owner of
 * the bytes either way: nothing writes into a linked file.
 */
export function linkOrCopy(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
