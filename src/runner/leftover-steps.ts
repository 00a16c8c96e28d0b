// A step process outlives a coordinator killed with SIGKILL for a moment: it sees its IPC channel
// close, saves a checkpoint and exits (step-worker.ts, within about 10 s). The coordinator keeps
// each running step's pid in work/<key>.pid, and the next run waits for those processes before it
// plans; otherwise two processes would write one work dir at once (checkpoints, model.json).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import type { CacheLayout } from './cache-layout.ts';
import { processAlive } from '../util/process-alive.ts';

export const recordStepPid = (cache: CacheLayout, key: string, pid: number) => writeFileAtomic(cache.stepPid(key), String(pid));
export const forgetStepPid = (cache: CacheLayout, key: string) => rmSync(cache.stepPid(key), { force: true });

/** Running and not a zombie (a container whose init does not reap would keep those forever). */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): kill(pid, 0) is all there is
  }
}

/** Waits (at most `ms`) for step processes that a killed run left behind, then forgets them. */
export async function waitForLeftoverSteps(cache: CacheLayout, say: (message: string) => void, ms = 60_000): Promise<void> {
  if (!existsSync(cache.workDir)) return;
  const files = readdirSync(cache.workDir).filter((n) => n.endsWith('.pid')).map((n) => join(cache.workDir, n));
  const pids = files.map((f) => Number(readFileSync(f, 'utf8'))).filter((p) => Number.isInteger(p) && p > 0 && running(p));
  if (pids.length) say(`waiting for step process(es) ${pids.join(', ')} of the run that stopped to save their work and exit`);
  const until = Date.now() + ms;
  while (pids.some(running) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const left = pids.filter(running);
  if (left.length) say(`step process(es) ${left.join(', ')} still run after ${ms / 1000} s; going on without them`);
  for (const f of files) rmSync(f, { force: true });
}
