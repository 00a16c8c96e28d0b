import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { execa } from 'execa';
import { create as createTar, Header, type types } from 'tar';
import { download } from '../../src/steps/download.ts';
import type { DownloadParams } from '../../src/data/download-file.ts';
import { UserError } from '../../src/errors.ts';
import { sha256 } from '../../src/util/hash.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';

// ---- a local HTTP server with Range support that can cut the first response short ----

interface TestServer {
  url: (name: string) => string;
  ranges: (string | undefined)[];
}
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(files: Record<string, Buffer>, cutFirstAfter?: number): Promise<TestServer> {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const body = files[req.url!.slice(1)];
    if (!body) return void res.writeHead(404).end();
    ranges.push(req.headers.range);
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (from >= body.length && from > 0) return void res.writeHead(416).end();
    const rest = body.subarray(from);
    res.writeHead(from > 0 ? 206 : 200, {
      'content-length': rest.length,
      ...(from > 0 ? { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    });
    if (cutFirstAfter !== undefined && ranges.length === 1) {
      res.write(rest.subarray(0, cutFirstAfter), () => setTimeout(() => res.socket!.destroy(), 50));
    } else {
      res.end(rest);
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: (name) => `http://127.0.0.1:${port}/${name}`, ranges };
}

// ---- archives ----

/** A small LJSpeech-like tree, with an incompressible file so a cut lands mid-transfer. */
function sampleTree(): string {
  const dir = makeTempDir('tree-');
  mkdirSync(join(dir, 'LJSpeech-1.1', 'wavs'), { recursive: true });
  writeFileSync(join(dir, 'LJSpeech-1.1', 'metadata.csv'), 'a|Hello.|Hello.\n');
  writeFileSync(join(dir, 'LJSpeech-1.1', 'wavs', 'noise.bin'), randomBytes(300_000));
  return dir;
}

async function tarOf(dir: string, gzip: boolean): Promise<Buffer> {
  const file = join(makeTempDir(), 'a.tar');
  await createTar({ cwd: dir, file, gzip, portable: true }, ['LJSpeech-1.1']);
  return readFileSync(file);
}

/** A tar archive written header by header, so that entries can hold any path or link. */
function handMadeTar(entries: { path: string; type?: types.EntryTypeName; linkpath?: string; body?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = Buffer.alloc(512);
    new Header({ path: e.path, type: e.type ?? 'File', linkpath: e.linkpath, size: body.length, mode: 0o644, mtime: new Date(0) }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

/** A stored (uncompressed) zip written byte by byte; `mode` goes into the Unix attribute bits. */
function handMadeZip(entries: { name: string; data?: string; mode?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const name = Buffer.from(e.name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: external attributes hold the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? (e.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const params = (server: TestServer, name: string, body: Buffer, extra: Partial<DownloadParams> = {}): DownloadParams => ({
  url: server.url(name),
  sha256: sha256(body),
  ...extra,
});

/** Output dir in a fresh parent, so anything written beside it would be seen. */
function outside() {
  const parent = makeTempDir('dl-');
  return { parent, outDir: join(parent, 'out') };
}

describe('download step', () => {
  it('downloads, verifies and extracts a .tar.gz, reporting progress in bytes', async () => {
    const archive = await tarOf(sampleTree(), true);
    const server = await serve({ 'LJSpeech-1.1.tar.gz': archive });
    const ctx = makeContext(params(server, 'LJSpeech-1.1.tar.gz', archive));
    await download.run(ctx);
    expect(readFileSync(join(ctx.outDir, 'LJSpeech-1.1', 'metadata.csv'), 'utf8')).toBe('a|Hello.|Hello.\n');
    expect(statSync(join(ctx.outDir, 'LJSpeech-1.1', 'wavs', 'noise.bin')).size).toBe(300_000);
    expect(readdirSync(ctx.outDir)).toEqual(['LJSpeech-1.1']);
    expect(ctx.progressCalls.at(-1)).toEqual({ done: archive.length, total: archive.length, unit: 'bytes' });
  });

  it('extracts .tar.bz2 and .zip archives, and keeps the file as it is with extract: false', async () => {
    const tree = sampleTree();
    const tar = await tarOf(tree, false);
    const bz2 = Buffer.from((await execa('bzip2', ['-c'], { input: tar, encoding: 'buffer' })).stdout as unknown as Uint8Array);
    const zip = handMadeZip([{ name: 'voice/' }, { name: 'voice/a.txt', data: 'Hi there.' }, { name: 'voice/link', data: 'a.txt', mode: 0o120777 }]);
    const server = await serve({ 'c.tar.bz2': bz2, 'v.zip': zip, 'plain.bin': tar });

    const b = makeContext(params(server, 'c.tar.bz2', bz2));
    await download.run(b);
    expect(statSync(join(b.outDir, 'LJSpeech-1.1', 'wavs', 'noise.bin')).size).toBe(300_000);

    const z = makeContext(params(server, 'v.zip', zip));
    await download.run(z);
    expect(readFileSync(join(z.outDir, 'voice', 'a.txt'), 'utf8')).toBe('Hi there.');
    expect(readlinkSync(join(z.outDir, 'voice', 'link'))).toBe('a.txt');

    const p = makeContext(params(server, 'plain.bin', tar, { extract: false, filename: 'kept.tar' }));
    await download.run(p);
    expect(readFileSync(join(p.outDir, 'kept.tar'))).toEqual(tar);
  });

  it('decodes .tar.bz2 with the JavaScript decoder where no bzip2 binary is installed', async () => {
    const tar = await tarOf(sampleTree(), false);
    const bz2 = Buffer.from((await execa('bzip2', ['-c'], { input: tar, encoding: 'buffer' })).stdout as unknown as Uint8Array);
    const server = await serve({ 'c.tar.bz2': bz2 });
    const ctx = makeContext(params(server, 'c.tar.bz2', bz2));
    const path = process.env.PATH;
    process.env.PATH = makeTempDir('empty-path-');
    try {
      await download.run(ctx);
    } finally {
      process.env.PATH = path;
    }
    expect(statSync(join(ctx.outDir, 'LJSpeech-1.1', 'wavs', 'noise.bin')).size).toBe(300_000);
  });

  it('resumes a cut connection with a Range request on the next run', async () => {
    const archive = await tarOf(sampleTree(), false);
    const server = await serve({ 'c.tar': archive }, 100_000);
    const ctx = makeContext(params(server, 'c.tar', archive));
    await expect(download.run(ctx)).rejects.toThrow(/connection to .* lost after \d+ bytes .*run again to resume/);
    const part = join(ctx.outDir, 'c.tar.part');
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(archive.length);

    await download.run(ctx);
    expect(server.ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(existsSync(part)).toBe(false);
    expect(statSync(join(ctx.outDir, 'LJSpeech-1.1', 'wavs', 'noise.bin')).size).toBe(300_000);
  });

  it('refuses a wrong checksum: clear error, partial file kept, nothing extracted', async () => {
    const archive = await tarOf(sampleTree(), true);
    const server = await serve({ 'c.tar.gz': archive });
    const ctx = makeContext({ url: server.url('c.tar.gz'), sha256: '0'.repeat(64) });
    const run = download.run(ctx);
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(`checksum mismatch for ${server.url('c.tar.gz')}: expected sha256 ${'0'.repeat(64)}, got ${sha256(archive)}`);
    expect(readdirSync(ctx.outDir)).toEqual(['c.tar.gz.part']);
  });

  const maliciousTars: [string, Parameters<typeof handMadeTar>[0], RegExp][] = [
    ['a ../ path', [{ path: 'ok.txt', body: 'fine' }, { path: '../escaped.txt', body: 'evil' }], /path \.\.\/escaped\.txt contains '\.\.'/],
    ['an absolute path', [{ path: '/tmp/vcpipe-absolute-escape.txt', body: 'evil' }], /absolute path/],
    ['a symlink out', [{ path: 'up', type: 'SymbolicLink', linkpath: '../..' }, { path: 'up/escaped.txt', body: 'evil' }], /symlink up points outside/],
    ['an absolute symlink', [{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }], /symlink etc points outside/],
    ['a hard link out', [{ path: 'ok.txt', body: 'fine' }, { path: 'h', type: 'Link', linkpath: '../../etc/passwd' }], /hard link h points outside/],
    ['a path through an inner symlink', [{ path: 'here', type: 'SymbolicLink', linkpath: '.' }, { path: 'here/x.txt', body: 'evil' }], /lies below the symlink here/],
  ];

  for (const [what, entries, reason] of maliciousTars) {
    it(`refuses a tar archive with ${what} and writes nothing`, async () => {
      const archive = handMadeTar(entries);
      const server = await serve({ 'evil.tar': archive });
      const { parent, outDir } = outside();
      const ctx = makeContext(params(server, 'evil.tar', archive), { outDir });
      await expect(download.run(ctx)).rejects.toThrow(reason);
      expect(readdirSync(parent)).toEqual(['out']);
      expect(readdirSync(outDir)).toEqual(['evil.tar']);
      expect(existsSync('/tmp/vcpipe-absolute-escape.txt')).toBe(false);
    });
  }

  const maliciousZips: [string, Parameters<typeof handMadeZip>[0], RegExp][] = [
    ['a ../ path', [{ name: 'ok.txt', data: 'fine' }, { name: '../escaped.txt', data: 'evil' }], /invalid relative path/],
    ['an absolute path', [{ name: '/tmp/vcpipe-absolute-escape.txt', data: 'evil' }], /absolute path/],
    ['a symlink out', [{ name: 'ok.txt', data: 'fine' }, { name: 'link', data: '../../outside', mode: 0o120777 }], /symlink link points outside/],
  ];

  for (const [what, entries, reason] of maliciousZips) {
    it(`refuses a zip archive with ${what} and writes nothing`, async () => {
      const archive = handMadeZip(entries);
      const server = await serve({ 'evil.zip': archive });
      const { parent, outDir } = outside();
      const ctx = makeContext(params(server, 'evil.zip', archive), { outDir });
      await expect(download.run(ctx)).rejects.toThrow(reason);
      expect(readdirSync(parent)).toEqual(['out']);
      expect(readdirSync(outDir)).toEqual(['evil.zip']);
      expect(lstatSync(outDir).isDirectory()).toBe(true);
    });
  }
});
