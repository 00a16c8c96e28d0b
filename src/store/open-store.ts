// A store from its --store URL: none → the local cache folder; file:///path or a plain path → a
// shared directory (this machine's cache folder becomes its local mirror); s3:// is named but not
// built yet (it needs @aws-sdk/client-s3).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { LocalStore } from './local-store.ts';
import { SharedDirStore } from './shared-dir-store.ts';
import type { Store } from './store.ts';

export function openStore(url: string | undefined, cacheDir: string): Store {
  if (url === undefined) return new LocalStore(cacheDir);
  if (url.startsWith('file://')) return new SharedDirStore(fileURLToPath(url), cacheDir);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UserError(`store ${url}: this vcpipe reaches only shared directories (file:///path or a path); S3 stores are not built in yet`);
  }
  const root = resolve(url);
  if (root === resolve(cacheDir)) throw new UserError(`--store ${url} is the local cache folder itself: give the shared directory, or leave --store out`);
  return new SharedDirStore(root, cacheDir);
}
