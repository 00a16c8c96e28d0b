// `vcpipe run` on a real terminal (tmux): the dashboard is drawn, and `q` — a key, since Ink
// holds the terminal in raw mode — reaches the runner's graceful stop like SIGINT would.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, fixture, waitFor } from './cli-helpers.ts';

const SOCKET = `vcpipe-cli-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('/usr/bin/tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8' });

async function waitForScreen(test: (text: string) => boolean, what: string, ms = 40_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = tmux('capture-pane', '-p', '-t', 'run');
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${text}`);
    await sleep(200);
  }
}

afterAll(() => {
  tmux('kill-server');
});

describe('vcpipe run on a TTY', () => {
  it('shows the dashboard; q stops the steps cleanly and exits 130', { timeout: 90_000 }, async () => {
    const dir = fixture('runner-counter');
    // CI=true as on a CI machine: a TTY still gets the live dashboard (Ink alone would draw only its last frame).
    const cmd = `CI=true node ${join(REPO, 'bin/vcpipe.js')} run pipeline.yaml --set train.steps=400; echo EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', 'run', '-x', '100', '-y', '30', '-c', dir, 'bash', '--noprofile', '--norc', '-c', cmd);
    const running = await waitForScreen((t) => /▸ train +shell +running/.test(t) && t.includes('q: stop'), 'train running on the dashboard');
    expect(running).toMatch(/^vcpipe {2}counter {2}running/m);
    expect(running).toMatch(/✓ prepare +shell +done/);
    // The counter has started (it checkpoints each step), so it can take its stop request.
    const work = join(dir, 'cache/work');
    await waitFor(() => existsSync(work) && readdirSync(work).some((k) => existsSync(join(work, k, 'ckpt.txt'))));
    tmux('send-keys', '-t', 'run', 'q');
    const ended = await waitForScreen((t) => t.includes('EXIT='), 'the exit code');
    expect(ended).toContain('EXIT=130');
    expect(ended).toMatch(/■ train +shell +interrupted/);
    expect(readdirSync(work).some((k) => existsSync(join(work, k, 'aborted.txt')))).toBe(true);
  });
});
