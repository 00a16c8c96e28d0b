// What the bullmq executor costs per step against the local one: a chain of small shell steps run
// by `vcpipe run` locally and with `--executor bullmq` on one `vcpipe worker` (same machine, a
// redis-server started here, a shared-directory store in a temp dir), each from empty caches.
// Then a big step split into shard jobs: `preprocess` of CLIPS generated clips, locally and on 1
// and 2 workers (VCPIPE_BENCH_CLIPS=40 tries the code on a few).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { encodeWav } from '../src/audio/wav.ts';
import type { RunEvent } from '../src/runner/events.ts';
import { clip } from './preprocess-bench.ts';
import type { BenchResult } from './run.ts';

const STEPS = 10;
const ROUNDS = 3;
const CLIPS = Number(process.env.VCPIPE_BENCH_CLIPS ?? 2000);
const BIN = resolve(import.meta.dirname, '../bin/vcpipe.js');

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** A chain: each step reads its upstream's file and writes its own. */
function chain(dir: string): void {
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const needs = i ? `\n    needs: [s${i - 1}]` : '';
    const read = i ? `require('fs').readFileSync(process.argv[1] + '/out.txt', 'utf8') + ` : '';
    const arg = i ? `, "\${inputs.s${i - 1}}"` : '';
    return `  s${i}:\n    kind: shell${needs}\n    with: { run: [node, -e, "require('fs').writeFileSync('out.txt', ${read}'${i}')"${arg}], outputs: [out.txt] }`;
  });
  writeFileSync(join(dir, 'p.yaml'), `name: chain\nsteps:\n${steps.join('\n')}\n`);
}

async function timed(args: string[], cwd: string): Promise<number> {
  const t = performance.now();
  await vcpipe(args, cwd);
  return (performance.now() - t) / 1000;
}

async function vcpipe(args: string[], cwd: string): Promise<string> {
  const r = await execa('node', [BIN, ...args], { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`distributed bench: vcpipe ${args.join(' ')} failed:\n${r.all}`);
  return r.stdout;
}

/** A `vcpipe worker` listening for jobs (resolves once it is); `stop` is its Ctrl-C and exit. */
async function startWorker(dir: string, url: string, store: string, name: string): Promise<{ stop: () => Promise<unknown> }> {
  const worker = execa('node', [BIN, 'worker', '--redis', url, '--store', store, '--cache', join(dir, `w-${name}`), '--name', name], { cwd: dir, reject: false });
  await new Promise<void>((ready) => worker.stderr!.on('data', (d: Buffer) => d.toString().includes('slots;') && ready()));
  return {
    stop: () => {
      worker.kill('SIGINT');
      return worker;
    },
  };
}

/** CLIPS speech-like clips of 1–2 s (22,050 Hz) as <name>.wav + <name>.txt pairs; their seconds of audio. */
function writeClips(dir: string): number {
  mkdirSync(dir, { recursive: true });
  let seconds = 0;
  for (let i = 0; i < CLIPS; i++) {
    const duration = 1 + (i % 5) * 0.25;
    writeFileSync(join(dir, `c${i}.wav`), encodeWav([clip(duration, 22050, i)], 22050, 'pcm16'));
    writeFileSync(join(dir, `c${i}.txt`), `sentence number ${i}`);
    seconds += duration;
  }
  return seconds;
}

/** The `features` step's seconds (its first `running` event to `succeeded`) and those of its last job (the last `running`), from --json events. */
function stepSeconds(stdout: string): { step: number; last: number } {
  const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
  const times = events.flatMap((e) => (e.type === 'step' && e.step === 'features' ? [[e.state, e.time] as const] : []));
  const running = times.filter(([s]) => s === 'running').map(([, t]) => t);
  const ended = times.find(([s]) => s === 'succeeded')?.[1];
  if (!running.length || ended === undefined) throw new Error('distributed bench: no features step in the run');
  return { step: (ended - running[0]!) / 1000, last: (ended - running.at(-1)!) / 1000 };
}

interface Sharding {
  /** Seconds of audio. */
  audio: number;
  local: number;
  /** By worker count: the step's seconds and its last job's (with shards: the gathering job). */
  workers: Record<1 | 2, { step: number; last: number }>;
}

/**
 * `preprocess` (default features, one feature thread per process: `workers: 1`) of CLIPS clips, each
 * run from empty caches and store: locally, and as shard jobs on 1 and 2 workers of this machine.
 */
async function sharding(dir: string, url: string): Promise<Sharding> {
  const audio = writeClips(join(dir, 'clips'));
  writeFileSync(join(dir, 'pre.yaml'), 'name: pre\nsteps:\n  corpus: { kind: ljspeech, with: { root: clips } }\n  features: { kind: preprocess, needs: [corpus], with: { workers: 1 } }\n');
  const local = stepSeconds(await vcpipe(['run', 'pre.yaml', '--json', '--cache', join(dir, 'pre-local')], dir)).step;
  const workers = {} as Sharding['workers'];
  for (const count of [1, 2] as const) {
    const store = join(dir, `pre-store-${count}`);
    const procs = await Promise.all(Array.from({ length: count }, (_, i) => startWorker(dir, url, store, `pre${count}-${i + 1}`)));
    try {
      const stdout = await vcpipe(['run', 'pre.yaml', '--json', '--executor', 'bullmq', '--redis', url, '--store', store, '--cache', join(dir, `pre-coord-${count}`)], dir);
      if (count === 2 && !stdout.includes('runs as 2 shard jobs')) throw new Error('distributed bench: preprocess did not run as 2 shard jobs on 2 workers');
      workers[count] = stepSeconds(stdout);
    } finally {
      await Promise.all(procs.map((w) => w.stop()));
    }
  }
  return { audio, local, workers };
}

/** LJSpeech 1.1: clips and seconds of audio. */
const LJ_CLIPS = 13_100;
const LJ_SECONDS = 23.9 * 3600;

function shardingMarkdown({ audio, local, workers }: Sharding): string[] {
  const row = (what: string, s: number, gather?: number) => `| ${what} | ${s.toFixed(1)} s | ${(CLIPS / s).toFixed(0)} clips/s | ${gather === undefined ? '' : `${gather.toFixed(1)} s`} |`;
  // Per core: seconds of audio per second of the local run (one process, one feature thread).
  const perCore = audio / local;
  const gatherPerClip = workers[2].last / CLIPS;
  const ljCompute = LJ_SECONDS / perCore;
  return [
    `Preprocessing ${CLIPS} generated clips (speech-like tones of 1–2 s at 22,050 Hz, ${(audio / 60).toFixed(0)} min of audio; default features; \`workers: 1\`, so each process computes on one core, as a one-core machine would): the \`preprocess\` step's time (its first \`running\` event to \`succeeded\`), from an empty cache and store each time. With bullmq on two workers the step runs as one shard job per worker, then its own job, which finds every item cached, links them and publishes the entry (its time: the last column).`,
    '',
    '| run | preprocess | speed | of which the gathering job |',
    '|---|---|---|---|',
    row('local (one process)', local),
    row('bullmq, 1 worker (one job: a step is split only over several workers)', workers[1].step),
    row('bullmq, 2 workers (2 shards)', workers[2].step, workers[2].last),
    '',
    `Two workers against one: ${(workers[1].step / workers[2].step).toFixed(2)}× (this machine has ${availableParallelism()} cores and runs the redis-server, the coordinator and both workers too). What the shards do not split is the gathering job: it fetches every item from the store (a no-op for the items of its own worker's shard), links them into the output and stores the output as blobs (hashed and copied once; the same bytes as the items', so no new space): ${(gatherPerClip * 1000).toFixed(1)} ms per clip here.`,
    '',
    `On paper, LJSpeech (13,100 clips, 24 h of audio) on 8 GPU workers. \`speech-corpus\`/\`preprocess\` scale with workers × cores: at the ${perCore.toFixed(0)} s of audio per second that one core computed above, the features of LJSpeech are ${(ljCompute / 60).toFixed(0)} core-minutes, so ${(ljCompute / 60 / 8).toFixed(1)} min on 8 one-core workers or ${(ljCompute / 60 / 64).toFixed(1)} min on 8 workers of 8 cores (\`workers:\` left at all cores), against ${(ljCompute / 60 / 8).toFixed(1)} min on one 8-core machine. The gathering job does not scale: ~${((gatherPerClip * LJ_CLIPS) / 60).toFixed(1)} min for 13,100 clips at the rate above (longer clips: bigger arrays to fetch and hash), on one worker. The coordinator costs the overhead above per job (7 steps in \`lj.yaml\`, plus one shard job per worker for each sharded step), nothing per clip; it reads no audio. The store costs one copy of each item and output into \`blobs/\` (hashed once; an item's listing is a small JSON document, so 13,100 items are 13,100 small writes, or PUTs on S3, done 16 at a time) and one copy out per machine that needs it: the features of all 13,100 clips are copied once to each training worker. Training does not split: \`text2mel\` and \`ssrn\` train side by side on two GPU workers, and the other six serve other pipelines (voices, learning-rate sweeps) sharing the workers.`,
  ];
}

export async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-distributed-bench-'));
  const port = await freePort();
  const redis = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { reject: false });
  const url = `redis://127.0.0.1:${port}`;
  try {
    chain(dir);
    await new Promise((r) => setTimeout(r, 500));
    const shards = shardingMarkdown(await sharding(dir, url));
    const local: number[] = [];
    const remote: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      local.push(await timed(['run', 'p.yaml', '--plain', '--cache', join(dir, `local-${i}`)], dir));
      // A worker on this round's empty store, listening before the run starts.
      const store = join(dir, `store-${i}`);
      const worker = await startWorker(dir, url, store, String(i));
      remote.push(await timed(['run', 'p.yaml', '--plain', '--executor', 'bullmq', '--redis', url, '--store', store, '--cache', join(dir, `coord-${i}`)], dir));
      await worker.stop();
    }
    const best = (xs: number[]) => Math.min(...xs);
    const perStep = ((best(remote) - best(local)) / STEPS) * 1000;
    return {
      title: 'Distributed: bullmq executor overhead per step',
      markdown: [
        `\`npm run bench -- distributed\`: a chain of ${STEPS} small \`shell\` steps, each from empty caches, best of ${ROUNDS}; whole CLI process included. The bullmq run uses one \`vcpipe worker\` on this machine, a local redis-server and a shared-directory store in a temp dir. Load average during the run: ${loadavg()[0]!.toFixed(1)}.`,
        '',
        '| executor | run | per step |',
        '|---|---|---|',
        `| local (child processes) | ${best(local).toFixed(2)} s | ${((best(local) / STEPS) * 1000).toFixed(0)} ms |`,
        `| bullmq (1 worker, loopback) | ${best(remote).toFixed(2)} s | ${((best(remote) / STEPS) * 1000).toFixed(0)} ms |`,
        `| overhead of bullmq | | ${perStep.toFixed(0)} ms${perStep <= 0 ? ' (below the noise of this run)' : ''} |`,
        '',
        'Both start a Node process per step; the bullmq run starts it from a worker that is already running, while the local run also loads the step kinds and plans in the same process that spawns the steps, so on a loaded machine the two are within noise of each other. The overhead is the job round trip (submit, the worker\'s blocking fetch, completion seen by QueueEvents), the step\'s inputs fetched from the store into the worker\'s mirror, and its outputs stored as blobs before the manifest: small against any real step (training steps run for minutes to hours).',
        '',
        ...shards,
      ].join('\n'),
    };
  } finally {
    redis.kill('SIGKILL');
    await redis;
    rmSync(dir, { recursive: true, force: true });
  }
}
