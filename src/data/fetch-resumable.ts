// HTTP(S) download into `<dest>.part` that continues where an earlier attempt stopped
// (Range request). Servers that ignore Range answer 200 and the file starts over.
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StepInterrupted, UserError } from '../errors.ts';

export type FetchProgress = (done: number, total: number | undefined) => void;

/** Fetches `url` into `part` (appending when it exists); returns the size of the finished file. */
export async function fetchResumable(url: string, part: string, signal: AbortSignal, onProgress: FetchProgress): Promise<number> {
  const have = existsSync(part) ? statSync(part).size : 0;
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal });
  } catch (err) {
    if (signal.aborted) throw new StepInterrupted('download interrupted; run again to resume');
    throw new UserError(`download: cannot reach ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  // 416: nothing left after `have` bytes, i.e. the partial file is already complete.
  if (res.status === 416 && have > 0) return have;
  if (res.status !== 200 && res.status !== 206) throw new UserError(`download: ${url}: HTTP ${res.status} ${res.statusText}`);
  const resumed = res.status === 206;
  const start = resumed ? have : 0;
  const length = Number(res.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? start + length : undefined;

  let done = start;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      onProgress(done, total);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body! as import('node:stream/web').ReadableStream), count, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  } catch (err) {
    if (signal.aborted) throw new StepInterrupted('download interrupted; run again to resume');
    throw new UserError(`download: connection to ${url} lost after ${done} bytes (${(err as Error).message}); run again to resume from there`);
  }
  const size = statSync(part).size;
  if (total !== undefined && size < total) throw new UserError(`download: ${url} ended after ${size} of ${total} bytes; run again to resume`);
  return size;
}
