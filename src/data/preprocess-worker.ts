// Worker thread of the `preprocess` step: takes one utterance at a time from the parent, computes
// its features and stores them in the per-item cache (mel.npy, mag.npy, meta.json), written into
// a temp directory that is then renamed into place, so a cache entry is complete or absent (the
// rename is the commit: the files inside need no atomic writes of their own).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { computeFeatures } from '../audio/features.ts';
import { resample } from '../audio/resample.ts';
import { trimBounds } from '../audio/trim.ts';
import { decodeWav, mixToMono } from '../audio/wav.ts';
import { encodeNpy } from '../util/npy.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { isDiskFull } from '../util/disk-full.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';

export interface WorkerSetup {
  cfg: FeatureConfig;
  /** `${cacheDir}/items/features`. */
  cacheRoot: string;
}

export interface ItemRequest {
  index: number;
  audio: string;
  key: string;
}

/** meta.json of a cache entry. */
export interface ItemMeta {
  frames: number;
  /** Seconds of audio before trimming. */
  duration: number;
  /** Seconds of leading silence trimmed (§2.2 step 2); absent in entries from before it was kept. */
  lead?: number;
}

/** `diskFull`: the path that could not be written for lack of space (the step fails; the item is not skipped). */
export type ItemResult = { index: number; ok: true; meta: ItemMeta } | { index: number; ok: false; reason: string; diskFull?: string };

async function computeItem(req: ItemRequest, { cfg, cacheRoot }: WorkerSetup): Promise<ItemMeta> {
  const wav = decodeWav(readFileSync(req.audio), req.audio);
  const mono = mixToMono(wav.channels);
  if (mono.length === 0) throw new Error(`${req.audio}: no audio samples (0 s clip)`);
  const samples = await resample(mono, wav.sampleRate, cfg.sample_rate);
  const f = computeFeatures(samples, cfg.sample_rate, cfg);
  // computeFeatures trims the same way; the lead places the teacher's phone end times on the frames.
  const lead = trimBounds(samples, { topDb: cfg.top_db }).start / cfg.sample_rate;
  const meta: ItemMeta = { frames: f.frames, duration: mono.length / wav.sampleRate, lead };
  const tmp = join(cacheRoot, `.${req.key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'mel.npy'), encodeNpy(f.mel, [f.frames, cfg.n_mels]));
    writeFileSync(join(tmp, 'mag.npy'), encodeNpy(f.mag, [cfg.r * f.frames, cfg.n_fft / 2 + 1]));
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
    renameSync(tmp, join(cacheRoot, req.key));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // The entry exists: another process finished it first (identical: keep it), or it is from
    // before the lead was kept and was recomputed for it: same arrays, its meta gains the lead.
    if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const metaPath = join(cacheRoot, req.key, 'meta.json');
    if ((JSON.parse(readFileSync(metaPath, 'utf8')) as ItemMeta).lead === undefined) writeJsonAtomic(metaPath, meta);
  }
  return meta;
}

/** The error message without the leading "<path>: " the readers put in front of it. */
function reasonOf(err: unknown, path: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  port.on('message', (req: ItemRequest) => {
    computeItem(req, setup).then(
      (meta) => port.postMessage({ index: req.index, ok: true, meta } satisfies ItemResult),
      (err) => port.postMessage({ index: req.index, ok: false, reason: reasonOf(err, req.audio), ...(isDiskFull(err) ? { diskFull: join(setup.cacheRoot, req.key) } : {}) } satisfies ItemResult),
    );
  });
}
