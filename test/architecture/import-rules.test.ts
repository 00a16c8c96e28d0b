// The layering of src/ held against its import graph: every static import, `export … from` and
// dynamic `import('…')` of every source file, resolved to the file it names. The layers, bottom
// up: errors.ts and util/; the domain folders (audio, text, models, data, training, plots, eval,
// synthesis); steps/ (the step kinds); runner/ (plans and runs steps); ui/ (listens to the
// runner's events); commands/ + cli.ts (the face). Within the domain, folders use each other
// freely; across layers, nothing reaches up.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

const FOUNDATION = ['util', 'errors.ts'];
const DOMAIN = ['audio', 'text', 'models', 'data', 'training', 'plots', 'eval', 'synthesis'];

/** Importers (path prefixes under src/) and the prefixes they must not import from. */
const RULES: { from: string[]; forbidden: string[] }[] = [
  { from: FOUNDATION, forbidden: [...DOMAIN, 'steps', 'runner', 'ui', 'commands'] },
  { from: DOMAIN, forbidden: ['steps', 'runner', 'ui', 'commands'] },
  { from: ['steps'], forbidden: ['runner', 'ui', 'commands'] },
  { from: ['runner', 'store', 'distributed', 'export', 'voice', 'serve'], forbidden: ['ui', 'commands'] },
  { from: ['ui'], forbidden: ['steps', 'commands'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier the file names: imports, re-exports and dynamic imports. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** 'steps/contract.ts' -> true for prefix 'steps'; 'errors.ts' matches prefix 'errors.ts'. */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Each relative import inside src/, as [importer, imported], both relative to src/. */
function importGraph(): [string, string][] {
  const edges: [string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), spec));
      if (target.startsWith('..')) continue;
      edges.push([relative(SRC, file), target]);
    }
  }
  return edges;
}

function violations(edges: [string, string][]): string[] {
  return edges
    .filter(([from, to]) => RULES.some((r) => r.from.some((p) => under(from, p)) && r.forbidden.some((p) => under(to, p))))
    .map(([from, to]) => `src/${from} → src/${to}`);
}

describe('import rules of src/', () => {
  it('sees the imports it checks (static, re-export, dynamic) and names each broken rule', () => {
    const edges = importGraph();
    const has = (from: string, to: string) => edges.some(([f, t]) => f === from && t === to);
    expect(has('cli.ts', 'errors.ts')).toBe(true); // static
    expect(has('steps/registry.ts', 'steps/shell.ts')).toBe(true); // dynamic import('…')
    expect(has('data/check-corpus.ts', 'data/format-check-report.ts')).toBe(true); // export … from
    expect(has('ui/dashboard.tsx', 'ui/dashboard/alignment-file.ts')).toBe(true); // from a .tsx file
    // A file that broke a rule in each of the three ways would be reported.
    const broken: [string, string][] = [
      ['data/x.ts', 'steps/contract.ts'],
      ['runner/y.ts', 'ui/z.ts'],
      ['ui/a.ts', 'commands/b.ts'],
      ['errors.ts', 'runner/events.ts'],
      ['util/u.ts', 'models/m.ts'],
      ['steps/s.ts', 'runner/r.ts'],
    ];
    expect(violations(broken)).toEqual(broken.map(([from, to]) => `src/${from} → src/${to}`));
    expect(violations([['steps/x.ts', 'data/y.ts'], ['training/t.ts', 'plots/p.ts'], ['ui/a.ts', 'runner/events.ts'], ['commands/run.ts', 'ui/dashboard.tsx']])).toEqual([]);
  });

  it('no folder imports from a layer above it', () => {
    const found = violations(importGraph());
    expect(found, `imports against the layering (docs/design.md §7.1):\n${found.join('\n')}`).toEqual([]);
  });
});
