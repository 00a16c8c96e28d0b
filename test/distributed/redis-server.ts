// A real redis-server for a test, on a free port of 127.0.0.1, nothing saved to disk unless a
// dir is given (then an append-only file there survives a restart).
import { createServer } from 'node:net';
import { execa, type ResultPromise } from 'execa';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export class RedisServer {
  private proc: ResultPromise | undefined;

  private constructor(
    readonly port: number,
    private readonly dir?: string,
  ) {}

  static async start(dir?: string): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), dir);
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  async restart(): Promise<void> {
    const persist = this.dir ? ['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const proc = execa('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persist], { reject: false });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      void proc.then((r) => reject(new Error(`redis-server ended: ${r.all ?? out}`)));
    });
  }

  async stop(): Promise<void> {
    this.proc?.kill('SIGKILL');
    await this.proc;
  }
}
