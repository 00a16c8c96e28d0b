// The thread bound reaches the BLAS too: Debian's libtorch runs the convolutions' GEMMs in
// OpenBLAS, whose own pool at::set_num_threads does not bound (an extra busy-waiting thread beside
// a one-thread training step took most of another core).
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../src/addon.ts';
import { registerTorchBackend } from '../src/index.ts';
import { tf } from './helpers.ts';

describe('threads', () => {
  it('OpenBLAS runs with the backend\'s thread count, also after a change', () => {
    expect(registerTorchBackend(tf, { device: 'cpu', threads: 1 }).threads).toBe(1);
    const addon = loadAddon();
    expect(addon.blasThreads()).toBe(1); // Debian's libtorch-dev links OpenBLAS (.ci/run installs it)
    expect(registerTorchBackend(tf, { device: 'cpu', threads: 2 }).threads).toBe(2);
    expect(addon.blasThreads()).toBe(2);
    registerTorchBackend(tf, { device: 'cpu', threads: 1 });
    expect(addon.blasThreads()).toBe(1);
  });
});
