// Public entry: registerTorchBackend(tf, options) registers the 'torch' backend and its kernels
// with the caller's TensorFlow.js instance (passed in so there is exactly one tfjs in the process).
import os from 'node:os';
import { addonPath, loadAddon } from './addon.js';
import { createBackendClass, type TF, type TorchBackendLike } from './backend.js';
import { allKernels } from './kernels/index.js';

export interface TorchBackendOptions {
  /** 'auto' (default) uses CUDA when the linked libtorch has it and a GPU is visible. */
  device?: 'auto' | 'cpu' | 'cuda';
  /** Intra-op threads; default VCPIPE_THREADS or the number of cores. */
  threads?: number;
  /** Backend priority for tfjs's automatic choice (default 1; cpu is 1, wasm 2). */
  priority?: number;
}

export const BACKEND_NAME = 'torch';

let registered: { name: 'torch'; device: string; threads: number } | undefined;

function defaultThreads(): number {
  const env = Number(process.env.VCPIPE_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return os.availableParallelism?.() ?? os.cpus().length;
}

export function registerTorchBackend(tf: TF, options: TorchBackendOptions = {}): { name: 'torch'; device: string; threads: number } {
  const addon = loadAddon();
  const threads = options.threads ?? defaultThreads();
  if (registered) {
    registered.threads = addon.setThreads(threads);
    return registered;
  }
  const info = addon.init(options.device ?? 'auto', threads);
  const Backend = createBackendClass(tf);
  tf.registerBackend(BACKEND_NAME, () => new Backend(addon, info.device) as unknown as InstanceType<TF['KernelBackend']>, options.priority ?? 1);
  for (const k of allKernels) {
    if (!addon.has(k.name) && !isJsOnly(k.name)) throw new Error(`tfjs-backend-torch: kernel ${k.name} missing from the addon`);
    tf.registerKernel({
      kernelName: k.name,
      backendName: BACKEND_NAME,
      kernelFunc: ({ inputs, attrs, backend }) =>
        k.run(inputs as never, (attrs ?? {}) as never, backend as unknown as TorchBackendLike, tf) as never,
    });
  }
  registered = { name: 'torch', device: info.device, threads: info.threads };
  return registered;
}

// Kernels implemented without a native call of the same name.
function isJsOnly(name: string): boolean {
  return name === 'Range' || name === 'ExpandDims';
}

/** Names of the tfjs kernels this backend implements. */
export function torchKernelNames(): string[] {
  return allKernels.map((k) => k.name);
}

/** libtorch bytes and tensors held by the backend (for leak checks). */
export function torchNativeMemory(): { count: number; bytes: number } {
  return loadAddon().memory();
}

export { addonPath };
