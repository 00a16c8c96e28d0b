// `vcpipe report <file> [--out FILE]`: writes the last run's HTML report (default
// <cache>/reports/<pipeline>.html) and prints its path.
import { join, resolve } from 'node:path';
import { writeReport } from '../ui/report.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { buildReportInput } from './report-input.ts';
import type { CliOptions } from './options.ts';

export async function reportCommand(o: CliOptions): Promise<number> {
  const pipeline = await loadPipeline(o.file!, o.overrides);
  const cache = new CacheLayout(o.cacheDir);
  const path = o.outFile ? resolve(o.outFile) : join(cache.root, 'reports', `${pipeline.name}.html`);
  writeReport(path, buildReportInput(pipeline, cache));
  o.out(path);
  return 0;
}
