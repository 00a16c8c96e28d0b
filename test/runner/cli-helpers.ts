// Shared by the runner tests: a fixture copied into a temp dir and the real CLI run on it.
import { cpSync, mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { RunEvent } from '../../src/runner/events.ts';

export const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/vcpipe.js');

/** A temp project dir holding a copy of test/fixtures/<name>. */
export function fixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vcpipe-${name}-`));
  cpSync(join(REPO, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

export function vcpipe(cwd: string, args: string[]): ResultPromise<{ cwd: string; reject: false; all: true }> {
  return execa('node', [BIN, ...args], { cwd, reject: false, all: true });
}

export const events = (stdout: string): RunEvent[] =>
  stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);

export function stepStates(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events(stdout)) if (e.type === 'step') out[e.step] = e.state;
  return out;
}

/** Entry dirs in the cache that lack a manifest (must always be none). */
export function halfPublished(cacheDir: string): string[] {
  const entries = join(cacheDir, 'entries');
  if (!existsSync(entries)) return [];
  return readdirSync(entries).filter((k) => !existsSync(join(entries, k, 'manifest.json')));
}

export async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a `vcpipe ... --json` process as a pod is stopped (SIGTERM) once it reports its first metric: training is under way. */
export function sigtermOnFirstMetric(proc: { pid?: number; stdout: NodeJS.ReadableStream | null }): void {
  let sent = false;
  proc.stdout!.on('data', (d: Buffer) => {
    if (!sent && d.toString().includes('"type":"metric"')) {
      sent = true;
      process.kill(proc.pid!, 'SIGTERM');
    }
  });
}
