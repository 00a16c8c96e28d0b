// `vcpipe graph <file>`: the step DAG as text, each step under the steps it needs.
import { loadPipeline } from '../runner/load-pipeline.ts';
import type { CliOptions } from './options.ts';

export async function graphCommand(o: CliOptions): Promise<number> {
  const p = await loadPipeline(o.file!, o.overrides);
  const depth = new Map<string, number>();
  for (const s of p.steps) depth.set(s.name, Math.max(0, ...s.needs.map((n) => depth.get(n)! + 1)));
  for (const s of p.steps) {
    const indent = '  '.repeat(depth.get(s.name)!);
    o.out(`${indent}${depth.get(s.name) ? '└─ ' : ''}${s.name} [${s.kind}]${s.needs.length ? ` ← ${s.needs.join(', ')}` : ''}`);
  }
  return 0;
}
