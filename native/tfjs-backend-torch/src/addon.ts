// Loads the compiled N-API addon. Any failure (not built, libtorch missing at run time, wrong
// architecture) becomes a one-line Error instead of a crash or a multi-line loader dump.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface NativeAddon {
  init(device: string, threads: number): { device: string; threads: number; cudaAvailable: boolean };
  setThreads(n: number): number;
  /** OpenBLAS's thread count (kept equal to the intra-op threads), or -1 when libtorch uses another BLAS. */
  blasThreads(): number;
  write(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: string): number;
  read(id: number): Float32Array | Int32Array | Uint8Array;
  dispose(id: number): void;
  memory(): { count: number; bytes: number };
  shape(id: number): number[];
  has(kernel: string): boolean;
  /** Returns [id, dtype, shape] triplets, flattened. */
  run(kernel: string, ids: number[], attrs: unknown[]): unknown[];
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
  // libgomp reads its spin count when it loads (with libtorch, below). Its default spins idle
  // threads ~300k times between parallel regions, taking the core that the JS thread and V8's
  // GC need between our many small kernels: a tiny Text2Mel step on 2 threads ran at 8 steps/s
  // against 12 on 1; spinning 10k times gives 13 (measured, 2 cores). A user's value wins.
  process.env.GOMP_SPINCOUNT ??= '10000';
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
