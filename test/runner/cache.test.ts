// Caching through the real CLI: rerun nothing, rerun what a change touches, and only that.
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, fixture, stepStates, vcpipe } from './cli-helpers.ts';

describe('cache decisions of vcpipe run', { timeout: 120_000 }, () => {
  let dir: string;
  const started = () => readFileSync(join(dir, 'started.txt'), 'utf8').split('\n').filter(Boolean).sort();
  const run = async (...extra: string[]) => {
    rmSync(join(dir, 'started.txt'), { force: true });
    writeFileSync(join(dir, 'started.txt'), '');
    const r = await vcpipe(dir, ['run', 'pipeline.yaml', '--json', ...extra]);
    expect(r.exitCode, r.all).toBe(0);
    return r;
  };

  beforeAll(() => {
    dir = fixture('runner-chain');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/in.txt'), 'abc');
  });

  it('runs all four steps, then finds all cached without starting a process', async () => {
    const first = await run();
    expect(started()).toEqual(['count', 'report', 'source', 'upper']);
    // Each succeeded event names the published entry its work dir became.
    const succeeded = events(first.stdout).filter((e) => e.type === 'step' && e.state === 'succeeded');
    expect(succeeded).toHaveLength(4);
    for (const e of succeeded) {
      if (e.type !== 'step') continue;
      expect(existsSync(join(e.output!, 'manifest.json')), e.step).toBe(true);
      expect(existsSync(e.workDir!), e.step).toBe(false);
    }
    const second = await run();
    expect(readFileSync(join(dir, 'started.txt'), 'utf8')).toBe('');
    expect(stepStates(second.stdout)).toEqual({ source: 'cached', upper: 'cached', count: 'cached', report: 'cached' });
  });

  it('reruns a step whose param changed and its dependants only, saying why', async () => {
    const r = await run('--set', 'params.greeting=hi');
    expect(started()).toEqual(['report', 'upper']);
    expect(r.stdout).toContain('param run:');
    const plan = await vcpipe(dir, ['plan', 'pipeline.yaml', '--set', 'params.greeting=hey']);
    expect(plan.stdout).toMatch(/runs +upper +param run: .*"hi"\] → .*"hey"\]/);
    expect(plan.stdout).toMatch(/cached +count/);
  });

  it('reruns nothing when an input is touched without changing its bytes', async () => {
    utimesSync(join(dir, 'data/in.txt'), new Date(), new Date(Date.now() + 5000));
    await run();
    expect(started()).toEqual([]);
  });

  it('reruns everything downstream when the input bytes change', async () => {
    writeFileSync(join(dir, 'data/in.txt'), 'abd');
    const plan = await vcpipe(dir, ['plan', 'pipeline.yaml']);
    expect(plan.stdout).toMatch(/runs +source +input data\/in.txt changed/);
    await run();
    expect(started()).toEqual(['count', 'report', 'source', 'upper']);
    const report = await vcpipe(dir, ['plan', 'pipeline.yaml']);
    expect(report.stdout).toContain('all 4 steps cached');
  });
});
