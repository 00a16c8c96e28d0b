// The one module that imports TensorFlow.js. Everything else imports `tf` from here, so the
// tensor backend is chosen in exactly one place.
//
// backend: auto | torch | torch-cpu | tensorflow-gpu | tensorflow | wasm | cpu.
// `auto` takes the fastest that loads, in the order torch → tensorflow-gpu → tensorflow → wasm
// → cpu, and logs which one it took and, one line each, why the faster ones were unavailable.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import { AUTO_ORDER, BACKEND_NAMES, type BackendName, type ConcreteBackend } from './backend-names.ts';

export { tf };

export interface BackendChoice {
  /** The name asked for in the pipeline. */
  requested: BackendName;
  /** The vcpipe backend that loaded. */
  chosen: ConcreteBackend;
  /** tf.getBackend() after loading ('torch', 'tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** Device detail where the backend reports one (torch: 'cuda:0', 'cpu'). */
  device?: string;
  /** One line per faster backend that could not be used, with the reason. */
  skipped: string[];
}

/** Threads for native/wasm backends: VCPIPE_THREADS overrides, else undefined (backend default). */
export function requestedThreads(): number | undefined {
  const v = process.env.VCPIPE_THREADS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`VCPIPE_THREADS must be a positive integer, got '${v}'`);
  return n;
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(msg)) return 'not installed';
  return msg.split('\n')[0];
}

/** Dynamic import through a variable so that optional packages need not exist at type-check time. */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  const spec: string = name;
  return (await import(spec)) as Record<string, unknown>;
}

type TorchModule = {
  registerTorchBackend(tfns: typeof tf, opts: { device: 'auto' | 'cpu'; threads?: number }): { name: string; device: string };
};

async function tryLoad(which: ConcreteBackend): Promise<{ tfName: string; device?: string }> {
  switch (which) {
    case 'torch':
    case 'torch-cpu': {
      const mod = (await importOptional('tfjs-backend-torch')) as unknown as TorchModule;
      const reg = mod.registerTorchBackend(tf, { device: which === 'torch' ? 'auto' : 'cpu', threads: requestedThreads() });
      if (!(await tf.setBackend(reg.name))) throw new Error(`tf.setBackend('${reg.name}') failed`);
      return { tfName: reg.name, device: reg.device };
    }
    case 'tensorflow-gpu':
    case 'tensorflow': {
      // Importing tfjs-node(-gpu) registers its 'tensorflow' backend as a side effect.
      await importOptional(which === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`tf.setBackend('tensorflow') failed`);
      return { tfName: 'tensorflow' };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm binaries are read from the package's dist dir as plain file paths.
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(dist + '/');
      const threads = requestedThreads();
      if (threads !== undefined) wasm.setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error(`tf.setBackend('wasm') failed`);
      return { tfName: 'wasm' };
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error(`tf.setBackend('cpu') failed`);
      return { tfName: 'cpu' };
    }
  }
}

let current: BackendChoice | undefined;

/** The backend chosen by the last selectBackend call, if any. */
export const currentBackend = (): BackendChoice | undefined => current;

/**
 * Load and activate a backend. `log` receives one line per skipped backend and one for the choice.
 * An explicitly named backend that fails to load is a UserError with the reason.
 */
export async function selectBackend(requested: string, log: (line: string) => void = () => {}): Promise<BackendChoice> {
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new UserError(`unknown backend '${requested}' (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  const req = requested as BackendName;
  if (current && current.requested === req && tf.getBackend() === current.tfName) return current;
  const order = req === 'auto' ? AUTO_ORDER : [req];
  const skipped: string[] = [];
  for (const which of order) {
    try {
      const { tfName, device } = await tryLoad(which);
      await tf.ready();
      current = { requested: req, chosen: which, tfName, device, skipped };
      for (const s of skipped) log(s);
      log(`backend: ${which}${device ? ` (${device})` : ''}${req === 'auto' ? ' (auto: fastest that loaded)' : ''}`);
      return current;
    } catch (err) {
      const line = `backend ${which} unavailable: ${reason(err)}`;
      if (req !== 'auto') throw new UserError(line);
      skipped.push(line);
    }
  }
  throw new UserError(`no tensor backend could be loaded:\n${skipped.join('\n')}`);
}
