// A full disk, said in one line: which path could not be written, how much room is left there,
// and that a rerun after freeing space continues (every write is temp + rename, so nothing
// half-written is ever published or reused). Steps, the runner and the CLI all turn ENOSPC into it.
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DiskFull } from '../errors.ts';

export const isDiskFull = (err: unknown): boolean => (err as { code?: string } | undefined)?.code === 'ENOSPC';

/** Bytes free to an unprivileged writer on the file system holding `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const fs = statfsSync(p);
  return fs.bavail * fs.bsize;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [value, unit] = n < 2 ** 20 ? [n / 1024, 'KiB'] : n < 2 ** 30 ? [n / 2 ** 20, 'MiB'] : [n / 2 ** 30, 'GiB'];
  return `${value.toFixed(1)} ${unit}`;
}

/** How every disk-full message starts. */
export const DISK_FULL = 'disk full:';

export function diskFullError(path: string): DiskFull {
  return new DiskFull(
    `${DISK_FULL} could not write ${path} (${formatBytes(freeBytes(path))} free there); nothing half-written was published — free some space and rerun: the run continues from what is finished`,
  );
}

/**
 * The one-line disk-full error for an ENOSPC, else undefined. A write(2) error names no file,
 * so `where` (the file or folder being written) stands in when the error has no path.
 */
export function asDiskFull(err: unknown, where: string): DiskFull | undefined {
  if (err instanceof DiskFull) return err;
  if (!isDiskFull(err)) return undefined;
  return diskFullError((err as { dest?: string; path?: string }).dest ?? (err as { path?: string }).path ?? where);
}
