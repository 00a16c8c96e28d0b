// An S3-compatible bucket as a Store (the logic is BlobStore's): s3://bucket/prefix holds
//   <prefix>/blobs/sha256/<hash>, <prefix>/entries/<key>/manifest.json, <prefix>/work/<key>/manifest.json.
// A blob is uploaded only when HeadObject does not find it. An entry manifest is created with
// If-None-Match: * after a HeadObject check: servers that honour the header (AWS S3 since 2024)
// make the first publisher win outright; on ones that ignore it (s3rver, older MinIO) two publishers
// racing inside one round trip both write, which is harmless: both copies are the same output.
// Client: endpoint from VCPIPE_S3_ENDPOINT or AWS_ENDPOINT_URL, credentials and region from the
// standard AWS variables; path-style addressing and checksums only where required, since non-AWS
// servers reject the CRC32 checksums the SDK sends by default (aws-sdk-js-v3#6810).
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../errors.ts';
import { BlobStore, type StoreRoot } from './blob-store.ts';
import { snapshot, type Blobs } from './tree-blobs.ts';

export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  // The SDK warns on every Node < 22 run that its releases after January 2027 will need Node 22;
  // the version installed here runs on Node 20 (vcpipe's), so the warning only adds noise to stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint: env.VCPIPE_S3_ENDPOINT || env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Errors of configuration (wrong endpoint, bucket, credentials) fail for good; others (5xx, reset) may pass on a retry. */
const CONFIG_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CredentialsProviderError']);

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
/** A conditional write refused: 412, an object is there; 409, another conditional write of it is in flight. */
const isTaken = (err: unknown) => status(err) === 412 || status(err) === 409;
/** No such object (a missing bucket is an error, not a miss). */
const isMissing = (err: unknown) => (err as Error).name === 'NoSuchKey' || ((err as Error).name === 'NotFound' && status(err) === 404);

class Bucket {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  key = (path: string) => (this.prefix ? `${this.prefix}/${path}` : path);
  get url() {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** Sends the command; a failure other than a missing object says which store, object and why, on one line. */
  async send<Out>(command: { input: { Key?: string } }, run: () => Promise<Out>): Promise<Out> {
    try {
      return await run();
    } catch (err) {
      if (isMissing(err) || isTaken(err)) throw err;
      const e = err as Error & { code?: string };
      const code = e.code ?? e.name;
      const where = `${command.constructor.name.replace(/Command$/, '')} ${command.input.Key}`;
      const endpoint = await this.client.config.endpoint?.().then((u) => `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`).catch(() => undefined);
      const message = `store ${this.url}${endpoint ? ` (at ${endpoint})` : ''}: ${where}: ${!code || e.message?.includes(code) ? '' : `${code}: `}${e.message || code}`;
      const config = CONFIG_CODES.has(code) || (status(err) ?? 500) < 500;
      throw config ? new UserError(message) : new Error(message, { cause: err });
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      const command = new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) });
      await this.send(command, () => this.client.send(command));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** The object's body, or undefined when there is no such object. */
  async body(path: string): Promise<Readable | undefined> {
    try {
      const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) });
      const out = await this.send(command, () => this.client.send(command));
      return out.Body as Readable;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
}

class S3Blobs implements Blobs {
  constructor(
    private readonly bucket: Bucket,
    /** Local folder for the copies being hashed. */
    private readonly tmpDir: string,
  ) {}

  private path = (hash: string) => `blobs/sha256/${hash}`;

  has = (hash: string) => this.bucket.exists(this.path(hash));

  async put(file: string): Promise<string> {
    const tmp = join(this.tmpDir, randomBytes(8).toString('hex'));
    try {
      const hash = await snapshot(file, tmp);
      if (!(await this.has(hash))) {
        const { client, bucket } = this.bucket;
        const command = new PutObjectCommand({ Bucket: bucket, Key: this.bucket.key(this.path(hash)), Body: createReadStream(tmp), ContentLength: statSync(tmp).size });
        await this.bucket.send(command, () => client.send(command));
      }
      return hash;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async get(hash: string, dest: string): Promise<boolean> {
    const body = await this.bucket.body(this.path(hash));
    if (!body) return false;
    await pipeline(body, createWriteStream(dest));
    return true;
  }
}

class S3Root implements StoreRoot {
  readonly blobs: S3Blobs;

  constructor(
    private readonly bucket: Bucket,
    tmpDir: string,
  ) {
    this.blobs = new S3Blobs(bucket, tmpDir);
  }

  get url() {
    return this.bucket.url;
  }

  async read(path: string): Promise<string | undefined> {
    const body = await this.bucket.body(path);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async write(path: string, text: string): Promise<void> {
    await this.put(path, text);
  }

  async create(path: string, text: string): Promise<boolean> {
    if (await this.bucket.exists(path)) return false;
    try {
      await this.put(path, text, '*');
      return true;
    } catch (err) {
      if (isTaken(err)) return false;
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    const command = new DeleteObjectCommand({ Bucket: this.bucket.bucket, Key: this.bucket.key(path) });
    await this.bucket.send(command, () => this.bucket.client.send(command));
  }

  private put(path: string, text: string, ifNoneMatch?: string) {
    const { client, bucket } = this.bucket;
    const command = new PutObjectCommand({ Bucket: bucket, Key: this.bucket.key(path), Body: text, ContentType: 'application/json', IfNoneMatch: ifNoneMatch });
    return this.bucket.send(command, () => client.send(command));
  }
}

export class S3Store extends BlobStore {
  constructor(client: S3Client, bucket: string, prefix: string, mirrorDir: string) {
    super(new S3Root(new Bucket(client, bucket, prefix.replace(/^\/+|\/+$/g, '')), join(mirrorDir, 'incoming')), mirrorDir);
  }
}
