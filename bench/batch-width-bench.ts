// Issue 16, lever 6: are the demo's tiny networks overhead-bound? Steps/s and utterances/s of
// one training step at the demo's batch shape (Text2Mel: text 45 symbols, 70 reduced frames, the
// mean of its phone features; SSRN: its 16-frame training crops) for several batch sizes and
// widths (Text2Mel d, SSRN c), each timed in a fresh process on the torch backend with 1 thread,
// as the demo trains each network on one core.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSRN_TINY, TEXT2MEL_TINY } from '../src/models/config.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHAPE = { text: 45, frames: 70, ssrnCrop: 16 };
const STEPS = 40;

function stepsPerS(network: 'text2mel' | 'ssrn', batch: number, width: number): number | null {
  const args = ['--import', 'tsx', join(HERE, 'torch-step-child.ts'), '--network', network, '--threads', '1', '--steps', String(STEPS),
    '--batch', String(batch), '--text', String(SHAPE.text), '--frames', String(network === 'ssrn' ? SHAPE.ssrnCrop : SHAPE.frames), '--width', String(width)];
  try {
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { steps_per_s: number; backend: string };
    return r.backend === 'torch' ? r.steps_per_s : null;
  } catch {
    return null;
  }
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const rows: string[] = [];
  const cases: ['text2mel' | 'ssrn', string, number, number[]][] = [
    ['text2mel', 'd', TEXT2MEL_TINY.d, [48, 64, 96]],
    ['ssrn', 'c', SSRN_TINY.c, [96, 128, 192]],
  ];
  for (const [network, name, tiny, widths] of cases) {
    for (const width of widths) {
      for (const batch of [8, 16, 32]) {
        const r = stepsPerS(network, batch, width);
        const mark = width === tiny && batch === 16 ? ' (the demo)' : '';
        rows.push(`| ${network === 'text2mel' ? 'Text2Mel' : 'SSRN'} | ${name} ${width} | ${batch} | ${r === null ? '–' : r.toFixed(1)} | ${r === null ? '–' : (r * batch).toFixed(0)} |${mark} |`);
        console.error(rows.at(-1));
      }
    }
  }
  return {
    title: 'Voice recipe: batch and width against steps/s (issue 16)',
    markdown: [
      `\`npm run bench -- batch-width\`: one training step (forward, backward, Adam) of the tiny networks on random data (Text2Mel: text ${SHAPE.text}, ${SHAPE.frames} reduced frames; SSRN: ${SHAPE.ssrnCrop}-frame crops), torch on 1 thread, ${STEPS} timed steps after 3 warm-up ones in a fresh process per row. Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.`,
      '',
      '| network | width | batch | steps/s | utterances/s | |',
      '|---|---|---:|---:|---:|---|',
      ...rows,
    ].join('\n'),
  };
}
