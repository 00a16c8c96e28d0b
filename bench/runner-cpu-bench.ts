// What the coordinator (`vcpipe run` itself, not its step processes) costs while steps train,
// under each reporter: the Ink dashboard on a real terminal (tmux), `--plain` and `--json`.
// A shortened demo (60 flite sentences, the demo's tiny Text2Mel and SSRN side by side) is
// prepared once; each reporter then trains both networks afresh (a new seed, so nothing is
// cached) and the coordinator's own CPU ticks (/proc/<pid>/stat utime + stime) are read over
// WINDOW_S seconds in the middle of training. Ticks, not wall time: other processes on the machine
// slow the steps down, but they do not add to the coordinator's ticks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { BenchResult } from './run.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin/vcpipe.js');
/** Seconds of training measured per reporter. */
const WINDOW_S = 60;
/** Seconds after both training processes appear before measuring: they load TF.js and the data. */
const SETTLE_S = 15;
const SENTENCES = 60;
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** The target: at most this share of one core. */
const TARGET = 0.03;

// The demo's training steps (pipelines/demo.yaml) with budgets far beyond the window: the run is
// stopped once measured. plot_every 100 so the dashboard redraws its heatmap during the window.
const PIPELINE = `name: runner-cpu
steps:
  corpus: { kind: speech-corpus, with: { engine: flite, voice: rms, sentences: sentences.txt } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, max_frames: 96 } }
  text2mel:
    kind: train-text2mel
    needs: [features]
    with: { config: { base: tiny, maxT: 96 }, steps: 100000, batch_size: 16, lr: 0.002, warmup: 400, checkpoint_every: 500, validation: 16, plot_every: 100 }
  ssrn:
    kind: train-ssrn
    needs: [features]
    with: { config: tiny, steps: 100000, batch_size: 16, warmup: 400, crop_frames: 16, checkpoint_every: 500, validation: 16, plot_every: 100 }
`;

/** utime + stime of a process, in clock ticks. */
function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function until(test: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`runner-cpu bench: timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface Measure { reporter: string; seconds: number; coordinator: number; steps: number; trained: number; rss: number }

/** Training steps logged so far by the steps running in `cacheDir` (last line of each work dir's metrics.jsonl). */
function stepsTrained(cacheDir: string): number {
  const work = join(cacheDir, 'work');
  if (!existsSync(work)) return 0;
  let total = 0;
  for (const key of readdirSync(work)) {
    const path = join(work, key, 'metrics.jsonl');
    if (!existsSync(path)) continue;
    const last = readFileSync(path, 'utf8').trim().split('\n').at(-1);
    if (last) total += (JSON.parse(last) as { step: number }).step;
  }
  return total;
}

/**
 * Waits for the two training processes, measures WINDOW_S seconds of the coordinator and its
 * step processes, then stops the run (`stop`) and waits for `exited`.
 */
async function measure(reporter: string, pid: number, cacheDir: string, stop: () => void, exited: () => boolean): Promise<Measure> {
  await until(() => children(pid).length === 2, 'both training steps to start', 300_000);
  await sleep(SETTLE_S * 1000);
  const kids = children(pid);
  const t0 = performance.now();
  const c0 = ticks(pid);
  const k0 = kids.map(ticks);
  const s0 = stepsTrained(cacheDir);
  await sleep(WINDOW_S * 1000);
  const c1 = ticks(pid);
  const k1 = kids.map(ticks);
  const trained = stepsTrained(cacheDir) - s0;
  const seconds = (performance.now() - t0) / 1000;
  if (children(pid).length !== 2) throw new Error(`runner-cpu bench (${reporter}): a training step ended inside the window`);
  const rss = rssMb(pid);
  stop();
  await until(exited, 'the run to stop', 120_000);
  return { reporter, seconds, coordinator: (c1 - c0) / TICKS_PER_S, steps: k1.reduce((a, b, i) => a + b - k0[i]!, 0) / TICKS_PER_S, trained, rss };
}

async function runPiped(dir: string, flag: string, seed: number): Promise<Measure> {
  const child = execa('node', [BIN, 'run', 'p.yaml', flag, '--set', `text2mel.seed=${seed}`, '--set', `ssrn.seed=${seed}`], { cwd: dir, reject: false, stdout: 'ignore', stderr: 'ignore' });
  let done = false;
  void child.then(() => (done = true));
  return measure(flag, child.pid!, join(dir, 'cache'), () => child.kill('SIGINT'), () => done);
}

async function runInTmux(dir: string, seed: number): Promise<Measure> {
  const socket = `vcpipe-runner-cpu-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-u', '-L', socket, ...args], { encoding: 'utf8' });
  // exec: the pane's process is the coordinator itself.
  tmux('new-session', '-d', '-s', 'run', '-x', '110', '-y', '45', '-c', dir, `exec node ${BIN} run p.yaml --set text2mel.seed=${seed} --set ssrn.seed=${seed}`);
  try {
    const pid = Number(tmux('display', '-p', '-t', 'run', '#{pane_pid}').trim());
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const m = await measure('dashboard (tmux)', pid, join(dir, 'cache'), () => process.kill(pid, 'SIGINT'), () => !alive());
    return m;
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // the session ended with the run
    }
  }
}

export async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-runner-cpu-'));
  try {
    const lines = readFileSync(join(REPO, 'data/sentences.txt'), 'utf8').split('\n').filter(Boolean).slice(0, SENTENCES);
    writeFileSync(join(dir, 'sentences.txt'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    for (const step of ['corpus', 'features']) await execa('node', [BIN, 'run', 'p.yaml', '--plain', '--only', step], { cwd: dir });
    const rows: Measure[] = [];
    const runs: (() => Promise<Measure>)[] = [() => runInTmux(dir, 11), () => runPiped(dir, '--plain', 12), () => runPiped(dir, '--json', 13)];
    for (const run of runs) {
      const m = await run();
      console.log(`${m.reporter}: coordinator ${m.coordinator.toFixed(2)} CPU s in ${m.seconds.toFixed(0)} s (${((100 * m.coordinator) / m.seconds).toFixed(1)}% of a core), steps ${m.steps.toFixed(1)} CPU s, ${m.trained} training steps, RSS ${m.rss.toFixed(0)} MB`);
      rows.push(m);
    }
    const table = rows.map((m) => {
      const share = m.coordinator / m.seconds;
      return `| ${m.reporter} | ${((60 * m.coordinator) / m.seconds).toFixed(2)} | ${(100 * share).toFixed(1)}% ${share <= TARGET ? '(meets ≤ 3%)' : '(misses ≤ 3%)'} | ${((60 * m.steps) / m.seconds).toFixed(0)} | ${(m.trained / m.seconds).toFixed(1)} | ${m.rss.toFixed(0)} MB |`;
    });
    return {
      title: 'Coordinator CPU while steps train (each reporter)',
      markdown: [
        `\`npm run bench -- runner-cpu\`: the demo's tiny Text2Mel and SSRN training side by side (60 flite sentences), ${WINDOW_S} s measured per reporter after both step processes have run ${SETTLE_S} s. ` +
          'The figure is the `vcpipe run` process\'s own CPU ticks (/proc/<pid>/stat utime + stime), not wall time: other work on the machine does not add to it. ' +
          `Target (issue 13): at most 3% of one core. Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.`,
        '',
        '| reporter | coordinator CPU s per training minute | share of one core | step processes CPU s per minute | training steps/s (both steps, logged every 50) | coordinator RSS |',
        '|---|---|---|---|---|---|',
        ...table,
      ].join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
