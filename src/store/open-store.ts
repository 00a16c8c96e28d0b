// A store from its --store URL: none → the local cache folder; file:///path or a plain path → a
// shared directory, s3://bucket/prefix → an S3 bucket (this machine's cache folder becomes the
// local mirror of either). The S3 client is imported only for an s3:// URL: it costs ~90 ms, which
// every `vcpipe run` and `plan` would otherwise pay.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { LocalStore } from './local-store.ts';
import { SharedDirStore } from './shared-dir-store.ts';
import type { Store } from './store.ts';

export async function openStore(url: string | undefined, cacheDir: string): Promise<Store> {
  if (url === undefined) return new LocalStore(cacheDir);
  if (url.startsWith('file://')) return new SharedDirStore(fileURLToPath(url), cacheDir);
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/.exec(url);
  if (s3) {
    if (!s3[1]) throw new UserError(`store ${url}: no bucket (s3://bucket/prefix)`);
    const { S3Store, s3ClientFromEnv } = await import('./s3-store.ts');
    return new S3Store(s3ClientFromEnv(), s3[1], s3[2]!, cacheDir);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UserError(`store ${url}: vcpipe reaches shared directories (file:///path or a path) and S3 buckets (s3://bucket/prefix)`);
  }
  const root = resolve(url);
  if (root === resolve(cacheDir)) throw new UserError(`--store ${url} is the local cache folder itself: give the shared directory, or leave --store out`);
  return new SharedDirStore(root, cacheDir);
}
