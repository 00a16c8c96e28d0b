// One runner per cache. The lock file holds the owner's pid; a lock whose pid is dead is stale
// and taken over (with a message), a live one is refused naming its pid.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../errors.ts';

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CacheLock {
  release(): void;
}

/** Takes the lock or throws UserError; `say` receives the stale-lock takeover message. */
export function acquireLock(path: string, say: (message: string) => void): CacheLock {
  mkdirSync(dirname(path), { recursive: true });
  const release = () => {
    try {
      if (Number(readFileSync(path, 'utf8')) === process.pid) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return { release };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number(readFileSync(path, 'utf8').trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
    throw new UserError(`cache ${dirname(path)} is in use by another vcpipe run (pid ${owner}); wait for it to finish or stop it`);
  }
  say(`taking over a stale lock on ${dirname(path)} left by pid ${owner || '?'}, which is no longer running`);
  writeFileAtomic(path, String(process.pid));
  return { release };
}
