// The work of the `download` step.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.ts';
import { hashFile } from '../util/hash.ts';
import type { WorkContext } from '../util/work-context.ts';
import { extractArchive } from './extract-archive.ts';
import { fetchResumable } from './fetch-resumable.ts';

/** The `with:` block of the `download` step. */
export interface DownloadParams {
  url: string;
  sha256: string;
  extract?: boolean;
  filename?: string;
}

const PROGRESS_INTERVAL_MS = 250;

export async function downloadFile(ctx: WorkContext & { params: DownloadParams; outDir: string }): Promise<void> {
  const { url } = ctx.params;
  const expected = ctx.params.sha256.toLowerCase();
  const filename = ctx.params.filename ?? decodeURIComponent(basename(new URL(url).pathname));
  if (!filename || filename.includes('/')) throw new UserError(`download: cannot take a file name from ${url}; set 'filename'`);
  const dest = join(ctx.outDir, filename);
  const part = `${dest}.part`;

  if (!existsSync(dest)) {
    let last = 0;
    const size = await fetchResumable(url, part, ctx.signal, (done, total) => {
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS || done === total) {
        last = now;
        ctx.progress(done, total ?? done, 'bytes');
      }
    });
    const actual = await hashFile(part);
    if (actual !== expected) {
      throw new UserError(
        `download: checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual} (${size} bytes). ` +
          `Nothing was extracted; the file is kept as ${part} — delete it to download again from the start`,
      );
    }
    renameSync(part, dest);
    ctx.log(`download: ${filename}: ${size} bytes, sha256 verified`);
  } else if ((await hashFile(dest)) !== expected) {
    rmSync(dest);
    throw new UserError(`download: ${dest} no longer matches sha256 ${expected}; it was removed, run again to download it`);
  }

  if (ctx.params.extract === false) return;
  const entries = await extractArchive(dest, ctx.outDir);
  // The extracted tree is what later steps read; keeping the archive as well would double the space.
  rmSync(dest);
  ctx.log(`download: extracted ${entries} entries from ${filename}`);
}
