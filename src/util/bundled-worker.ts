// Worker threads from TypeScript modules without loading tsx in each worker: the entry module and
// its local imports are bundled by esbuild (tsx's own compiler) into one ES module, run from a
// data: URL. Packages stay external, resolved to absolute file URLs, so their own files (wasm,
// JSON) load as usual. Registering tsx in a worker and compiling its imports cost ~300 ms per
// worker: on 2 cores, as long as computing the features of 150 clips.
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build, type Plugin } from 'esbuild';

/** Bare package imports → external absolute file: URLs, resolved the way esbuild resolves them for Node ESM. */
const packagesAsFileUrls: Plugin = {
  name: 'packages-as-file-urls',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (r.errors.length) return { errors: r.errors };
      // Node built-ins written without the node: prefix come back external with no file path.
      if (r.external && !r.path.startsWith('/')) return { path: args.path, external: true };
      return { path: pathToFileURL(r.path).href, external: true };
    });
  },
};

const bundles = new Map<string, Promise<URL>>();

/** The data: URL of `entry` bundled for a worker; built once per process and entry. */
export function bundledModuleUrl(entry: URL): Promise<URL> {
  let url = bundles.get(entry.href);
  if (!url) {
    url = build({
      entryPoints: [fileURLToPath(entry)], bundle: true, write: false, platform: 'node', format: 'esm',
      target: 'node20', plugins: [packagesAsFileUrls], logLevel: 'silent',
    }).then((out) => new URL(`data:text/javascript,${encodeURIComponent(out.outputFiles[0].text)}`));
    bundles.set(entry.href, url);
  }
  return url;
}

/**
 * Starts `entry` (a .ts module that talks through parentPort) as a worker thread. Without the
 * parent's execArgv: under tsx those flags would load its loader in the worker too (~50 ms), which
 * the bundle does not need.
 */
export async function startBundledWorker(entry: URL, workerData: unknown): Promise<Worker> {
  return new Worker(await bundledModuleUrl(entry), { workerData, execArgv: [] });
}
