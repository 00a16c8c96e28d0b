// `vcpipe doctor`: what this machine has for vcpipe, and for each missing piece the one command
// that installs it. Exit 0 when the demo can run (Node ≥ 20, a tensor backend, flite), else 1.
import { statfsSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { AUTO_ORDER } from './models/backend-names.ts';
import { BENCHMARK_PEERS, hasPeer } from './benchmark-peers.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The command that fixes it, when not ok. */
  fix?: string;
  /** Needed by the demo pipeline (a failure makes doctor exit 1). */
  required: boolean;
  /** A program the benchmarks compare against (listed apart; the demo does not need it). */
  benchmark?: boolean;
}

const BACKEND_FIXES: Record<string, string> = {
  torch: 'sudo apt-get install libtorch-dev && npm rebuild tfjs-backend-torch   (or LIBTORCH=/path/to/libtorch npm rebuild tfjs-backend-torch)',
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu   (downloads libtensorflow with CUDA 11: needs internet)',
  tensorflow: 'npm install @tensorflow/tfjs-node   (downloads libtensorflow: needs internet)',
  wasm: 'npm ci   (reinstalls @tensorflow/tfjs-backend-wasm)',
  cpu: 'npm ci',
};

async function programCheck(name: string, args: string[], pkg: string, required: boolean): Promise<Check> {
  try {
    const r = await execa(name, args, { reject: false, timeout: 10_000 });
    if (r.failed && r.exitCode === undefined) throw new Error(`${name} could not be started`);
    const version = /\d+\.\d+(\.\d+)?/.exec(`${r.stdout}\n${r.stderr}`);
    return { name, ok: true, detail: version ? `version ${version[0]}` : 'found', required };
  } catch {
    return { name, ok: false, detail: 'not found', fix: `sudo apt-get install ${pkg}`, required };
  }
}

async function backendChecks(): Promise<Check[]> {
  const { selectBackend } = await import('./models/backend.ts');
  const out: Check[] = [];
  for (const name of AUTO_ORDER) {
    try {
      const choice = await selectBackend(name);
      out.push({ name: `backend ${name}`, ok: true, detail: choice.device ? `loads (${choice.device})` : 'loads', required: false });
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).replace(/^backend \S+ unavailable: /, '');
      out.push({ name: `backend ${name}`, ok: false, detail: msg, fix: BACKEND_FIXES[name], required: false });
    }
  }
  const any = out.some((c) => c.ok);
  out.push({ name: 'a tensor backend', ok: any, detail: any ? `fastest: ${out.find((c) => c.ok)!.name.slice(8)}` : 'none loads', fix: 'npm ci', required: true });
  return out;
}

export async function runChecks(cacheDir: string): Promise<Check[]> {
  const major = Number(process.versions.node.split('.')[0]);
  const checks: Check[] = [
    { name: 'node', ok: major >= 20, detail: `v${process.versions.node}`, fix: 'install Node.js 20 or newer', required: true },
    { name: 'cores', ok: true, detail: `${availableParallelism()} (${cpus()[0]?.model.trim() ?? 'unknown CPU'})`, required: false },
  ];
  mkdirSync(cacheDir, { recursive: true });
  const fs = statfsSync(cacheDir);
  const freeGiB = (fs.bavail * fs.bsize) / 2 ** 30;
  checks.push({ name: 'free disk', ok: freeGiB >= 2, detail: `${freeGiB.toFixed(1)} GiB at ${cacheDir}`, fix: 'free some disk space (the demo needs about 2 GiB)', required: true });
  checks.push(...(await backendChecks()));
  checks.push(await programCheck('flite', ['--version'], 'flite', true));
  checks.push(await programCheck('espeak-ng', ['--version'], 'espeak-ng', false));
  const { recognizerMissing } = await import('./eval/recognizer.ts');
  const asr = await recognizerMissing();
  checks.push({ name: 'pocketsphinx', ok: !asr, detail: asr ? 'missing: word error rates are skipped' : 'US English model found', fix: asr ? 'sudo apt-get install pocketsphinx pocketsphinx-en-us' : undefined, required: false });
  for (const peer of BENCHMARK_PEERS) {
    const ok = await hasPeer(peer);
    checks.push({ name: peer.name, ok, detail: ok ? `found: for ${peer.usedBy}` : `missing: no figures for ${peer.usedBy}`, fix: ok ? undefined : peer.install, required: false, benchmark: true });
  }
  return checks;
}

export function formatChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const line = (c: Check) => `${c.ok ? '✓' : c.required ? '✗' : '·'} ${c.name.padEnd(width)}  ${c.detail}${!c.ok && c.fix ? `\n  ${' '.repeat(width)}  fix: ${c.fix}` : ''}`;
  const peers = checks.filter((c) => c.benchmark);
  const main = checks.filter((c) => !c.benchmark).map(line);
  return peers.length ? [...main, '', 'Benchmark peers (npm run bench compares against them; the demo does not need them):', ...peers.map(line)].join('\n') : main.join('\n');
}

export async function doctorCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('vcpipe doctor [--cache DIR]\n  Checks Node, tensor backends, flite, espeak-ng, pocketsphinx, disk and cores, then the benchmark peers (python3-torch, python3-scipy, snakemake); prints how to install what is missing.\n');
    return 0;
  }
  const i = argv.indexOf('--cache');
  const cacheDir = resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : 'cache');
  const checks = await runChecks(cacheDir);
  process.stdout.write(formatChecks(checks) + '\n');
  const missing = checks.filter((c) => c.required && !c.ok);
  process.stdout.write(missing.length ? `\n${missing.length} required piece(s) missing: the demo cannot run yet.\n` : '\nReady: the demo pipeline can run here.\n');
  return missing.length ? 1 : 0;
}
