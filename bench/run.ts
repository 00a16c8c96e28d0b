// `npm run bench`: runs every benchmark module below and rewrites docs/benchmarks.md with the
// machine description and one markdown section per module. Add a module: one line in BENCHES.
import { cpus, totalmem } from 'node:os';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../src/util/atomic.ts';

export interface BenchResult {
  /** Section title. */
  title: string;
  /** Markdown body of the section. */
  markdown: string;
}

const BENCHES: (() => Promise<{ bench(): Promise<BenchResult> }>)[] = [
  () => import('./plan-bench.ts'),
];

const machine = () =>
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores\n- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB\n- Node ${process.version} on ${process.platform}/${process.arch}`;

const sections: string[] = [];
for (const load of BENCHES) {
  const result = await (await load()).bench();
  console.log(`## ${result.title}\n${result.markdown}\n`);
  sections.push(`## ${result.title}\n\n${result.markdown.trim()}\n`);
}
const out = resolve(import.meta.dirname, '../docs/benchmarks.md');
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileAtomic(out, `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.\n\n${machine()}\n\n${sections.join('\n')}`);
console.log(`wrote ${out}`);
