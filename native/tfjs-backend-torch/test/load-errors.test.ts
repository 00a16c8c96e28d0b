// A missing or unloadable addon must give a one-line Error from registerTorchBackend, never a
// crash. Each case runs in a child process (a native load failure can't be undone in-process).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const probe = path.join(here, 'fixtures/load-probe.ts');

function runChild(env: Record<string, string>): { ok: boolean; message?: string; isError?: boolean } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`child printed no result: ${out}`);
  return JSON.parse(line.slice(7));
}

describe('addon load failures', () => {
  it('loads normally (control)', () => {
    expect(runChild({})).toEqual({ ok: true });
  });

  it('nonexistent addon path → one-line Error', () => {
    const r = runChild({ TFJS_TORCH_ADDON: '/nonexistent/torch_backend.node' });
    expect(r.ok).toBe(false);
    expect(r.isError).toBe(true);
    expect(r.message).toMatch(/^tfjs-backend-torch: cannot load native addon \/nonexistent\/torch_backend\.node/);
    expect(r.message).not.toContain('\n');
  });

  it('a file that is not a shared object → one-line Error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tbt-bad-'));
    const bogus = path.join(dir, 'torch_backend.node');
    writeFileSync(bogus, 'not an ELF file');
    const r = runChild({ TFJS_TORCH_ADDON: bogus });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^tfjs-backend-torch: cannot load native addon/);
    expect(r.message).not.toContain('\n');
  });

  it('libtorch unloadable (LD_LIBRARY_PATH points at a broken libc10) → one-line Error', () => {
    // The addon's RUNPATH yields to LD_LIBRARY_PATH, so a truncated libc10.so.1.13 there is found first.
    const dir = mkdtempSync(path.join(tmpdir(), 'tbt-ld-'));
    for (const lib of ['libc10.so.1.13', 'libtorch.so.1.13', 'libtorch_cpu.so.1.13']) writeFileSync(path.join(dir, lib), 'broken');
    const r = runChild({ LD_LIBRARY_PATH: dir });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^tfjs-backend-torch: cannot load native addon/);
    expect(r.message).not.toContain('\n');
  });
});
