// Child of test/ui/dashboard-soak.test.ts (run with --expose-gc): loads the dashboard as `vcpipe
// run` does, then feeds Ink's own text measuring and wrapping (the modules its layout calls for
// every line of every frame) 20,000 distinct 1 KB lines, as a long run's changing numbers would.
// Prints the heap growth after a full GC, in bytes. `--plain-ink` skips the dashboard loader, to
// show what Ink keeps on its own.
import { loadDashboard } from '../../src/ui/choose-reporter.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
if (!process.argv.includes('--plain-ink')) await loadDashboard();
// The same module instances Ink's layout uses (its package exports do not name them).
const inkModule = (name: string) => import(new URL(name, import.meta.resolve('ink')).href);
const measureText = (await inkModule('./measure-text.js')).default as (text: string) => { width: number };
const wrapText = (await inkModule('./wrap-text.js')).default as (text: string, width: number, wrap: string) => string;

const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const before = heap();
for (let i = 0; i < 20_000; i++) {
  const line = `${i} `.padEnd(1024, 'x');
  if (measureText(line).width !== 1024) throw new Error('measureText is not measuring');
  if (wrapText(line, 80, 'truncate-end').length > 100) throw new Error('wrapText is not truncating');
}
process.stdout.write(`${heap() - before}\n`);
