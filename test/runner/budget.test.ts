// A budget param (`steps`) is not in the cache key: raising it continues the same entry; lowering
// it trains that entry again from the start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, vcpipe } from './cli-helpers.ts';

describe('budget params', { timeout: 120_000 }, () => {
  it('raising steps continues from the published checkpoint in the same cache entry', async () => {
    const dir = fixture('runner-counter');
    const entries = join(dir, 'cache/entries');
    const trained = () => readdirSync(entries).filter((k) => existsSync(join(entries, k, 'final.txt')));
    expect((await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'params.delay_ms=1'])).exitCode).toBe(0);
    const [key] = trained();
    const plan = await vcpipe(dir, ['plan', 'pipeline.yaml', '--set', 'params.delay_ms=1', '--set', 'train.steps=8']);
    expect(plan.stdout).toMatch(/runs +train +budget steps: 5 → 8; continues the published entry/);
    const r = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', '--set', 'params.delay_ms=1', '--set', 'train.steps=8']);
    expect(r.exitCode, r.all).toBe(0);
    expect(trained()).toEqual([key]);
    expect(readFileSync(join(entries, key!, 'starts.txt'), 'utf8')).toBe('0\n5\n');
    expect(readFileSync(join(entries, key!, 'final.txt'), 'utf8')).toBe('8');

    // Lowering it trains from the start: continuing would publish 8 steps of training as 3.
    const lower = ['--set', 'params.delay_ms=1', '--set', 'train.steps=3'];
    expect((await vcpipe(dir, ['plan', 'pipeline.yaml', ...lower])).stdout).toMatch(
      /runs +train +budget steps: 8 → 3; budget lowered below the published entry's \(steps 8 → 3\): trains from the start/,
    );
    const low = await vcpipe(dir, ['run', 'pipeline.yaml', '--plain', ...lower]);
    expect(low.exitCode, low.all).toBe(0);
    expect(trained()).toEqual([key]);
    expect(readFileSync(join(entries, key!, 'starts.txt'), 'utf8')).toBe('0\n');
    expect(readFileSync(join(entries, key!, 'final.txt'), 'utf8')).toBe('3');
  });
});
