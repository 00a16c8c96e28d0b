// The dashboard on a real terminal: tmux runs test/ui/dashboard-demo.ts in a 100×30 window; we
// read the screen, press q twice and check that the run stops, the process exits and the
// terminal is given back (canonical mode, echo, visible cursor).
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `vcpipe-ui-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('/usr/bin/tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = (session: string) => tmux('capture-pane', '-p', '-t', session);

/** Starts the demo in a new 100×30 session; afterwards the shell prints the exit code and tty modes. */
function startDemo(session: string, args = ''): void {
  const script = [
    `node --import tsx test/ui/dashboard-demo.ts ${args}`,
    'echo EXIT=$?',
    'stty -a | tr " ;" "\\n\\n" | grep -x -e "-\\?icanon" -e "-\\?echo" | sed "s/^/TTY /"',
    'sleep 120',
  ].join('; ');
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', REPO, 'bash', '--noprofile', '--norc', '-c', script);
}

async function waitForScreen(session: string, test: (text: string) => boolean, what: string, ms = 40_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = screen(session);
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${text}`);
    await sleep(200);
  }
}

afterAll(() => {
  tmux('kill-server');
});

describe('the dashboard in tmux', () => {
  it('draws the run, stops on q, q and gives the terminal back', { timeout: 90_000 }, async () => {
    const session = 'stop';
    startDemo(session);
    const running = await waitForScreen(session, (t) => t.includes('6000/10000 steps') && t.includes('q: stop'), 'training at step 6000');
    const lines = running.split('\n');
    expect(lines.filter((l) => l.startsWith('vcpipe  ljspeech-small  running'))).toHaveLength(1);
    expect(lines.some((l) => /^ ▸ text2mel {2}train-text2mel {2}running {6}2[6-9]m\d\ds {2}resumes from checkpoint at step 2000$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ text2mel {2}█{18}░{12} {2}60% {2}6000\/10000 steps · 2\.5 steps\/s · ETA 26m40s$/.test(l))).toBe(true);
    expect(lines).toContain('   lr 2.00e-4  diag 0.7739                                │                       ░░░▒▒▒▓▓▓████████');
    expect(lines.filter((l) => l.includes('│'))).toHaveLength(12);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);

    tmux('send-keys', '-t', session, 'q');
    await waitForScreen(session, (t) => t.includes('Stopping: saving a checkpoint… press q again to stop now'), 'the graceful-stop notice');

    tmux('send-keys', '-t', session, 'q');
    const ended = await waitForScreen(session, (t) => t.includes('TTY echo'), 'the shell after the demo');
    const after = ended.split('\n');
    expect(after.some((l) => /^ ■ text2mel {2}train-text2mel {2}interrupted {2}2[6-9]m\d\ds {2}stopped by the user$/.test(l))).toBe(true);
    expect(after.some((l) => /^Run interrupted in 2[7-9]m\d\ds — stopped by the user$/.test(l))).toBe(true);
    expect(after).toContain('demo: stopped by the user');
    expect(after).toContain('EXIT=130');
    // Raw mode is off again and the cursor is visible.
    expect(after).toContain('TTY icanon');
    expect(after).toContain('TTY echo');
    expect(tmux('display', '-p', '-t', session, '#{cursor_flag}').trim()).toBe('1');
    // No leftover frame of the live view above the final one.
    expect(after.filter((l) => l.startsWith('vcpipe  ljspeech-small'))).toEqual([expect.stringMatching(/^vcpipe {2}ljspeech-small {2}interrupted {2}2[7-9]m\d\ds$/)]);
  });

  it('gives the terminal back when the process crashes', { timeout: 90_000 }, async () => {
    startDemo('crash', '--crash');
    const ended = (await waitForScreen('crash', (t) => t.includes('TTY echo'), 'the shell after the crash')).split('\n');
    expect(ended).toContain('Error: demo: crashed on purpose');
    expect(ended).toContain('EXIT=1');
    expect(ended).toContain('TTY icanon');
    expect(ended).toContain('TTY echo');
    expect(tmux('display', '-p', '-t', 'crash', '#{cursor_flag}').trim()).toBe('1');
  });
});
