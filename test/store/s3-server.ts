// An S3-compatible server (s3rver) on 127.0.0.1 for the tests of one file, with a bucket `voices`;
// its endpoint and fixed credentials go into the environment (children such as `vcpipe step`
// inherit them) and are taken back afterwards.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import S3rver from 's3rver';

export function startS3rver(): void {
  let server: S3rver;
  const saved = { ...process.env };
  beforeAll(async () => {
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 'vcpipe-s3rver-')), configureBuckets: [{ name: 'voices' }] });
    const { address, port } = await server.run();
    Object.assign(process.env, { VCPIPE_S3_ENDPOINT: `http://${address}:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  });
  afterAll(async () => {
    process.env = saved;
    await server?.close();
  });
}
