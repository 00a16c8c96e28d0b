// Warm start through the real CLI: with --warm-start, a step with a budget whose input changed
// is handed the entry of its last build (same kind, version and params) as ctx.warmStart.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, vcpipe } from './cli-helpers.ts';

// "Training": starts from the count in the warm-start dir when there is one, adds its budget.
const TRAIN = "const fs=require('fs'); const w=process.argv[1]; const from=w?Number(fs.readFileSync(w+'/count.txt','utf8')):0; fs.writeFileSync('count.txt', String(from+Number(process.argv[2]))); fs.writeFileSync('from.txt', w||'none')";

const pipeline = (lr: number) => `name: warm
steps:
  train:
    kind: shell
    with: { run: [node, -e, "${TRAIN}", "\${warmStart}", "\${steps}", "lr=${lr}"], inputs: [data], steps: 5, outputs: [count.txt] }
`;

describe('warm start', { timeout: 120_000 }, () => {
  it('offers the last build of a step whose input changed, only when asked and params match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-warm-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/a.txt'), 'a');
    writeFileSync(join(dir, 'p.yaml'), pipeline(1));
    const read = async (...args: string[]) => {
      const r = await vcpipe(dir, ['run', 'p.yaml', '--json', ...args]);
      expect(r.exitCode, r.all).toBe(0);
      const run = events(r.stdout).find((e) => e.type === 'run' && e.steps);
      const key = JSON.parse((await vcpipe(dir, ['plan', 'p.yaml', '--json'])).stdout).key as string;
      const entry = join(dir, 'cache/entries', key);
      return { reason: run?.type === 'run' ? run.steps![0]!.reason : '', from: readFileSync(join(entry, 'from.txt'), 'utf8'), count: readFileSync(join(entry, 'count.txt'), 'utf8'), entry };
    };
    const first = await read('--warm-start');
    expect(first).toMatchObject({ from: 'none', count: '5', reason: 'never run' });

    writeFileSync(join(dir, 'data/b.txt'), 'b');
    const plan = await vcpipe(dir, ['plan', 'p.yaml', '--warm-start']);
    const firstKey = first.entry.split('/').pop()!;
    expect(plan.stdout).toMatch(new RegExp(`runs +train +input data changed; warm-starts from ${firstKey.slice(0, 8)}`));
    const second = await read('--warm-start');
    expect(second).toMatchObject({ from: first.entry, count: '10' });

    // Without the option: a fresh start.
    writeFileSync(join(dir, 'data/c.txt'), 'c');
    expect(await read()).toMatchObject({ from: 'none', count: '5' });

    // A changed param is another model: no warm start.
    writeFileSync(join(dir, 'p.yaml'), pipeline(2));
    writeFileSync(join(dir, 'data/d.txt'), 'd');
    expect(await read('--warm-start')).toMatchObject({ from: 'none', count: '5' });
  });
});
