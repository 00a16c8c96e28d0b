// Whether a process id names a running process (the owner of a cache lock, the runner a run
// snapshot was written by). Signal 0 checks without signalling; EPERM means the process exists
// but belongs to another user, so it is alive.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
