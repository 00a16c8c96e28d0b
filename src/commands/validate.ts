// `vcpipe validate [files...]`: load and check pipelines (all of pipelines/*.yaml by default).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipeline } from '../runner/load-pipeline.ts';
import type { CliOptions } from './options.ts';

export async function validateCommand(o: CliOptions): Promise<number> {
  const files = o.files.length ? o.files : readdirSync('pipelines').filter((f) => /\.ya?ml$/.test(f)).map((f) => join('pipelines', f));
  for (const f of files) {
    const p = await loadPipeline(f, o.overrides);
    o.out(`${f}: ok (${p.steps.length} steps)`);
  }
  return 0;
}
