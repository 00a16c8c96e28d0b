// Loads the compiled N-API addon. Any failure (not built, libtorch missing at run time, wrong
// architecture) becomes a one-line Error instead of a crash or a multi-line loader dump.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface NativeAddon {
  init(device: string, threads: number): { device: string; threads: number; cudaAvailable: boolean };
  setThreads(n: number): number;
  /** OpenBLAS's thread count (always 1: see setThreads in binding/addon.cc), or -1 when libtorch uses another BLAS. */
  blasThreads(): number;
  write(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: string): number;
  read(id: number): Float32Array | Int32Array | Uint8Array;
  dispose(id: number): void;
  memory(): { count: number; bytes: number };
  shape(id: number): number[];
  has(kernel: string): boolean;
  /**
   * Returns [id, dtype, shape] triplets, flattened. With `plain` and `context`: the first `plain`
   * outputs, then one context entry of the outputs (k >= 0) and inputs (-1-k) that `context` names.
   */
  run(kernel: string, ids: number[], attrs: unknown[], plain?: number, context?: number[]): unknown[];
  kernels: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where the addon is looked for; TFJS_TORCH_ADDON overrides (used by tests and custom builds). */
export function addonPath(): string {
  return process.env.TFJS_TORCH_ADDON || path.resolve(here, '../build/Release/torch_backend.node');
}

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const file = addonPath();
  try {
    const require = createRequire(import.meta.url);
    cached = require(file) as NativeAddon;
    return cached;
  } catch (e) {
    const first = String((e as Error)?.message ?? e).split('\n')[0];
    throw new Error(
      `tfjs-backend-torch: cannot load native addon ${file} (build it with \`npm run build\` in native/tfjs-backend-torch; needs libtorch): ${first}`,
    );
  }
}
