// `vcpipe clean <file>`: removes cache entries and work dirs that the current plan no longer
// uses, printing each with its size. Pipelines may share a cache (clone.yaml reuses demo.yaml's
// base voice), so the latest build of every step of every other pipeline is kept too.
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { acquireLock } from '../runner/lock.ts';
import { planPipeline } from '../runner/plan.ts';
import type { CliOptions } from './options.ts';

function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((t, f) => t + sizeOf(join(path, f)), 0);
}

/** Keys of the latest build of each step of the pipelines other than `pipeline` in this cache. */
function otherPipelinesKeys(cache: CacheLayout, pipeline: string): string[] {
  if (!existsSync(cache.historyDir)) return [];
  return readdirSync(cache.historyDir)
    .filter((name) => name !== pipeline)
    .flatMap((name) => readdirSync(join(cache.historyDir, name)).map((f) => join(cache.historyDir, name, f)))
    .map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { key: string }).key);
}

const human = (b: number) => (b < 1024 ? `${b} B` : b < 1 << 20 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / (1 << 20)).toFixed(1)} MiB`);

export async function cleanCommand(o: CliOptions): Promise<number> {
  const pipeline = await loadPipeline(o.file!, o.overrides);
  const cache = new CacheLayout(o.cacheDir);
  const lock = acquireLock(cache.lock, (m) => o.err(`vcpipe: ${m}`));
  try {
    const keep = new Set([
      ...(await planPipeline(pipeline, cache)).steps.map((s) => s.build.key),
      ...otherPipelinesKeys(cache, pipeline.name),
    ]);
    let total = 0;
    let count = 0;
    for (const dir of [cache.entriesDir, cache.workDir, cache.trashDir]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (dir !== cache.trashDir && keep.has(name)) continue;
        const path = join(dir, name);
        const bytes = sizeOf(path);
        rmSync(path, { recursive: true, force: true });
        o.out(`removed ${path} (${human(bytes)})`);
        total += bytes;
        count += 1;
      }
    }
    o.out(`removed ${count} unused cache dirs, ${human(total)}`);
    return 0;
  } finally {
    lock.release();
  }
}
