// `vcpipe serve` as a real child process of the CLI, on a free port of 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../../bin/vcpipe.js');

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stderr: string[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export function startServer(args: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(...d.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /vcpipe serve: (http:\/\/\S+?)\/? \(voices/.exec(out);
      if (m) ok({ url: m[1], child, stderr, exited });
    });
    void exited.then((code) => fail(new Error(`serve exited ${code}: ${stderr.join('\n')}`)));
  });
}

/** A WAV response's body as it arrives: the chunks and when each came. */
export async function readChunks(res: Response): Promise<{ chunks: Uint8Array[]; at: number[] }> {
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  const at: number[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, at };
    chunks.push(value);
    at.push(performance.now());
  }
}

export const tts = (url: string, body: unknown, type = 'application/json') =>
  fetch(`${url}/api/tts`, { method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
