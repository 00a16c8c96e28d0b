// `npm run bench [name...]`: runs the benchmark modules below (all, or the named ones) and
// rewrites docs/benchmarks.md with the machine description and one markdown section per module.
// Sections of modules not run this time are kept as they were, so each bench can be refreshed
// alone. Add a module: one line in BENCHES.
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../src/util/atomic.ts';

export interface BenchResult {
  /** Section title. */
  title: string;
  /** Markdown body of the section. */
  markdown: string;
}

const BENCHES: Record<string, () => Promise<{ bench(): Promise<BenchResult> }>> = {
  'batch-width': () => import('./batch-width-bench.ts'),
  distributed: () => import('./distributed-bench.ts'),
  plan: () => import('./plan-bench.ts'),
  preprocess: () => import('./preprocess-bench.ts'),
  'runner-cpu': () => import('./runner-cpu-bench.ts'),
  synthesis: () => import('./synthesis-bench.ts'),
  serve: () => import('./serve-bench.ts'),
  'torch-backend': () => import('./torch-backend-bench.ts'),
  train: () => import('./train-bench.ts'),
};

const machine = () =>
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores\n- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB\n- Node ${process.version} on ${process.platform}/${process.arch}`;

/** `## title` → the section's text, from the file as it is. */
function existingSections(path: string): Map<string, string> {
  if (!existsSync(path)) return new Map();
  const parts = readFileSync(path, 'utf8').split(/^(?=## )/m).slice(1);
  return new Map(parts.map((p) => [p.slice(3, p.indexOf('\n')), p.trimEnd() + '\n']));
}

const names = process.argv.slice(2);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')} (benches: ${Object.keys(BENCHES).join(', ')})`);
const out = resolve(import.meta.dirname, '../docs/benchmarks.md');
const sections = existingSections(out);
const write = () =>
  writeFileAtomic(out, `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.\n\n${machine()}\n\n${[...sections.values()].join('\n')}`);
mkdirSync(resolve(out, '..'), { recursive: true });
// Written after every module, so a bench that fails later keeps the figures of those before it.
for (const name of names.length ? names : Object.keys(BENCHES)) {
  const result = await (await BENCHES[name]!()).bench();
  console.log(`## ${result.title}\n${result.markdown}\n`);
  sections.set(result.title, `## ${result.title}\n\n${result.markdown.trim()}\n`);
  write();
}
console.log(`wrote ${out}`);
