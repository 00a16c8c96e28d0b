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
import { BlobStore, type StoreRoot } from './blob-store.ts';
import { snapshot, type Blobs } from './tree-blobs.ts';

export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    endpoint: env.VCPIPE_S3_ENDPOINT || env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
/** No such object (a missing bucket is an error, not a miss). */
const isMissing = (err: unknown) => (err as Error).name === 'NoSuchKey' || ((err as Error).name === 'NotFound' && status(err) === 404);

class Bucket {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  key = (path: string) => (this.prefix ? `${this.prefix}/${path}` : path);

  async exists(path: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** The object's body, or undefined when there is no such object. */
  async body(path: string): Promise<Readable | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
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
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: this.bucket.key(this.path(hash)), Body: createReadStream(tmp), ContentLength: statSync(tmp).size }),
        );
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
    return `s3://${this.bucket.bucket}/${this.bucket.prefix}`;
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
      // 412: an object is there; 409: another conditional write of it is in flight.
      if (status(err) === 412 || status(err) === 409) return false;
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    await this.bucket.client.send(new DeleteObjectCommand({ Bucket: this.bucket.bucket, Key: this.bucket.key(path) }));
  }

  private put(path: string, text: string, ifNoneMatch?: string) {
    const { client, bucket } = this.bucket;
    return client.send(new PutObjectCommand({ Bucket: bucket, Key: this.bucket.key(path), Body: text, ContentType: 'application/json', IfNoneMatch: ifNoneMatch }));
  }
}

export class S3Store extends BlobStore {
  constructor(client: S3Client, bucket: string, prefix: string, mirrorDir: string) {
    super(new S3Root(new Bucket(client, bucket, prefix.replace(/^\/+|\/+$/g, '')), join(mirrorDir, 'incoming')), mirrorDir);
  }
}
