// A step that reports a lot (here a shell step printing 300,000 lines, each one a log report)
// still delivers its result: the step process used to disconnect right after sending it, and
// the result, queued behind the reports, was lost ("step process ended without a result").
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO } from './cli-helpers.ts';
import type { RunSnapshot } from '../../src/runner/run-snapshot.ts';

const LINES = 300_000;
const PIPELINE = `name: chatty
steps:
  talk:
    kind: shell
    with:
      run: [node, -e, "for (let i = 0; i < ${LINES}; i++) console.log('line ' + i + ' '.padEnd(80, 'x')); require('fs').writeFileSync('done', '1')"]
      outputs: [done]
`;

describe('a chatty step', { timeout: 120_000 }, () => {
  it('succeeds and is published, with its output in its log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-chatty-'));
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const r = await execa('node', [join(REPO, 'bin/vcpipe.js'), 'run', 'p.yaml', '--plain'], { cwd: dir, reject: false, stdout: 'ignore', stderr: 'pipe' });
    const snap = JSON.parse(readFileSync(join(dir, 'cache/runs/chatty.json'), 'utf8')) as RunSnapshot;
    expect(snap.steps.talk!.error).toBeUndefined();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(snap.steps.talk!.state).toBe('succeeded');
    const entry = join(dir, 'cache/entries', snap.steps.talk!.key);
    expect(existsSync(join(entry, 'manifest.json'))).toBe(true);
    const log = readFileSync(join(entry, 'step.log'), 'utf8');
    expect(log).toContain(`line ${LINES - 1} x`);
    expect(log.split('\n').filter((l) => / info line \d+ x/.test(l)).length).toBeGreaterThan(LINES * 0.99);
  });
});
