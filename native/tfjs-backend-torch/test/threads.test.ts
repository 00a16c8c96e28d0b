// OpenBLAS stays on the calling thread at every backend thread count: its own pthreads pool is not
// bounded by at::set_num_threads, and its busy-waiting workers beside ATen's OpenMP workers
// oversubscribe the cores (see setThreads in binding/addon.cc for the measurements).
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../src/addon.ts';
import { registerTorchBackend } from '../src/index.ts';
import { tf } from './helpers.ts';

describe('threads', () => {
  it('OpenBLAS runs on one thread whatever the backend\'s thread count, also after a change', () => {
    expect(registerTorchBackend(tf, { device: 'cpu', threads: 1 }).threads).toBe(1);
    const addon = loadAddon();
    expect(addon.blasThreads()).toBe(1); // Debian's libtorch-dev links OpenBLAS (.ci/run installs it)
    expect(registerTorchBackend(tf, { device: 'cpu', threads: 2 }).threads).toBe(2);
    expect(addon.blasThreads()).toBe(1);
    registerTorchBackend(tf, { device: 'cpu', threads: 1 });
    expect(addon.blasThreads()).toBe(1);
  });
});
