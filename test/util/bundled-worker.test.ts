import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundledModuleUrl, startBundledWorker } from '../../src/util/bundled-worker.ts';
import { hashJson } from '../../src/util/hash.ts';

const ENTRY = new URL('../fixtures/worker/echo-worker.ts', import.meta.url);

describe('bundled workers', () => {
  it('run a TypeScript module with its local imports and packages, without tsx flags', async () => {
    const worker = await startBundledWorker(ENTRY, undefined);
    try {
      const value = { a: 1, list: ['x', 'y'] };
      const reply = await new Promise<{ hash: string; yaml: string; execArgv: string[] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(value);
      });
      expect(reply.hash).toBe(hashJson(value));
      expect(reply.yaml).toBe(stringify(value));
      expect(reply.execArgv).toEqual([]);
    } finally {
      await worker.terminate();
    }
  });

  it('bundles an entry once per process, local code inlined and packages as absolute file URLs', async () => {
    const url = await bundledModuleUrl(ENTRY);
    expect(await bundledModuleUrl(ENTRY)).toBe(url);
    const code = decodeURIComponent(url.href.slice('data:text/javascript,'.length));
    expect(code).toMatch(/from "file:\/\/\/[^"]*node_modules\/yaml\/[^"]*"/);
    expect(code).not.toMatch(/from "\.\.?\//); // no relative imports left: a data: URL has no directory
    expect(code).toContain('function hashJson');
  });
});
