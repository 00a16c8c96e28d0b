// Training checkpoints: `<outDir>/checkpoints/step-NNNNNNN/` holding
//   weights.bin  float32 values of every variable, concatenated in manifest order
//   adam.bin     float32 Adam first then second moments, same order (absent for weights-only)
//   manifest.json written last: step, tensor table, Adam t, RNG state, validation loss, extras.
// A checkpoint directory is built under a temp name and renamed into place after its manifest is
// on disk, so a directory named step-N is always complete; it is removed the same way (renamed to
// a temp name first), so a kill while pruning cannot leave a step-N with a manifest but no weights.
// Temp dirs that a killed writer left are dropped at the next save.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, openSync, fsyncSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from './backend.ts';
import type { Adam } from './adam.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { asDiskFull } from '../util/disk-full.ts';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements within weights.bin (and within each half of adam.bin). */
  offset: number;
}

export interface CheckpointManifest {
  kind: 'checkpoint';
  step: number;
  tensors: TensorEntry[];
  /** Adam's update count, or null when the checkpoint holds weights only. */
  adamT: number | null;
  /** Seeded-generator state needed to continue exactly (batching and dropout). */
  rng: Record<string, number>;
  valLoss: number | null;
  extra: Record<string, unknown>;
}

const DIR_RE = /^step-(\d{7,})$/;
const TEMP_RE = /^\.step-\d{7,}\.\d+(\.old)?\.tmp$/;
export const checkpointDirName = (step: number): string => `step-${String(step).padStart(7, '0')}`;

/** Where a checkpoint is built (`new`) or goes to be deleted (`old`); TEMP_RE matches both. */
const tempDirFor = (root: string, step: number, use: 'new' | 'old'): string =>
  join(root, `.${checkpointDirName(step)}.${process.pid}${use === 'old' ? '.old' : ''}.tmp`);

/** Removes a checkpoint dir atomically: renamed out of listCheckpoints' sight, then deleted. */
function removeCheckpointDir(root: string, step: number): void {
  const doomed = tempDirFor(root, step, 'old');
  rmSync(doomed, { recursive: true, force: true });
  try {
    renameSync(join(root, checkpointDirName(step)), doomed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  rmSync(doomed, { recursive: true, force: true });
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

function concatValues(tensors: tf.Tensor[]): Float32Array {
  const total = tensors.reduce((a, t) => a + t.size, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
  return out;
}

type CheckpointInfo = { rng: Record<string, number>; valLoss: number | null; extra?: Record<string, unknown> };

/**
 * Write a checkpoint of `vars` (and Adam's moments) into `root/step-N` atomically. Returns its
 * path. On a full disk the partial temp dir is removed and the error names the checkpoint.
 */
export function saveCheckpoint(root: string, step: number, vars: Map<string, tf.Variable>, adam: Adam | null, info: CheckpointInfo): string {
  try {
    return writeCheckpoint(root, step, vars, adam, info);
  } catch (err) {
    const full = asDiskFull(err, join(root, checkpointDirName(step)));
    if (!full) throw err;
    rmSync(tempDirFor(root, step, 'new'), { recursive: true, force: true });
    throw full;
  }
}

function writeCheckpoint(
  root: string, step: number, vars: Map<string, tf.Variable>, adam: Adam | null,
  info: CheckpointInfo,
): string {
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(root)) if (TEMP_RE.test(name)) rmSync(join(root, name), { recursive: true, force: true });
  const final = join(root, checkpointDirName(step));
  const tmp = tempDirFor(root, step, 'new');
  mkdirSync(tmp);
  const tensors: TensorEntry[] = [];
  let off = 0;
  for (const [name, v] of vars) {
    tensors.push({ name, shape: v.shape, offset: off });
    off += v.size;
  }
  const weights = concatValues([...vars.values()]);
  writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(weights.buffer));
  fsyncFile(join(tmp, 'weights.bin'));
  if (adam) {
    const zeros = (v: tf.Variable): tf.Tensor => tf.zerosLike(v);
    const ms: tf.Tensor[] = [...vars.entries()].map(([n, v]) => adam.m.get(n) ?? zeros(v));
    const vs: tf.Tensor[] = [...vars.entries()].map(([n, v]) => adam.v.get(n) ?? zeros(v));
    const moments = concatValues([...ms, ...vs]);
    writeFileSync(join(tmp, 'adam.bin'), new Uint8Array(moments.buffer));
    fsyncFile(join(tmp, 'adam.bin'));
    for (const t of [...ms, ...vs]) if (!(t instanceof tf.Variable)) tf.dispose(t);
  }
  const manifest: CheckpointManifest = {
    kind: 'checkpoint', step, tensors, adamT: adam ? adam.t : null,
    rng: info.rng, valLoss: info.valLoss, extra: info.extra ?? {},
  };
  writeJsonAtomic(join(tmp, 'manifest.json'), manifest);
  removeCheckpointDir(root, step);
  renameSync(tmp, final);
  return final;
}

export function readManifest(dir: string): CheckpointManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest;
}

/** Complete checkpoints under root (those with a manifest), oldest first. */
export function listCheckpoints(root: string): { step: number; dir: string }[] {
  if (!existsSync(root)) return [];
  const out: { step: number; dir: string }[] = [];
  for (const name of readdirSync(root)) {
    const m = DIR_RE.exec(name);
    if (m && existsSync(join(root, name, 'manifest.json'))) out.push({ step: Number(m[1]), dir: join(root, name) });
  }
  return out.sort((a, b) => a.step - b.step);
}

function readFloats(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/**
 * Assign `weights` (laid out as `tensors` says) to `vars`: every variable must be present with the
 * same shape; a mismatch names `label`, the tensor and both shapes. Also used for voice files.
 */
export function assignWeights(label: string, tensors: TensorEntry[], weights: Float32Array, vars: Map<string, tf.Variable>): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const [name, v] of vars) {
    const e = byName.get(name);
    if (!e) throw new Error(`${label} has no tensor ${name} (architecture mismatch)`);
    if (e.shape.join(',') !== v.shape.join(',')) {
      throw new Error(`${label}: tensor ${name} has shape [${e.shape.join(', ')}] but the model expects [${v.shape.join(', ')}] (architecture mismatch)`);
    }
  }
  for (const name of byName.keys()) if (!vars.has(name)) throw new Error(`${label} has tensor ${name} that the model lacks (architecture mismatch)`);
  for (const [name, v] of vars) {
    const e = byName.get(name)!;
    v.assign(tf.tensor(weights.subarray(e.offset, e.offset + v.size), v.shape));
  }
}

/**
 * Assign the checkpoint's weights to `vars` (every variable must be present with the same shape;
 * a mismatch names the tensor and both shapes). With `adam`, restore its moments and t too.
 */
export function loadCheckpoint(dir: string, vars: Map<string, tf.Variable>, adam: Adam | null): CheckpointManifest {
  const manifest = readManifest(dir);
  assignWeights(`checkpoint ${dir}`, manifest.tensors, readFloats(join(dir, 'weights.bin')), vars);
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  const total = manifest.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const moments = adam && manifest.adamT !== null && existsSync(join(dir, 'adam.bin')) ? readFloats(join(dir, 'adam.bin')) : null;
  for (const [name, v] of vars) {
    const e = byName.get(name)!;
    if (adam && moments) {
      const set = (map: Map<string, tf.Variable>, base: number) => {
        const t = tf.tensor(moments.subarray(base + e.offset, base + e.offset + v.size), v.shape);
        const cur = map.get(name);
        if (cur) {
          cur.assign(t);
          t.dispose();
        } else map.set(name, tf.variable(t, false));
      };
      set(adam.m, 0);
      set(adam.v, total);
    }
  }
  if (adam) adam.t = manifest.adamT ?? 0;
  return manifest;
}

/** The checkpoint with the lowest validation loss (the newest when none has one). */
export function bestCheckpoint(root: string): { step: number; dir: string; valLoss: number | null } | undefined {
  const all = listCheckpoints(root);
  if (!all.length) return undefined;
  let best: { step: number; dir: string; valLoss: number | null } | undefined;
  for (const c of all) {
    const loss = readManifest(c.dir).valLoss;
    if (loss !== null && Number.isFinite(loss) && (!best || loss < best.valLoss!)) best = { ...c, valLoss: loss };
  }
  return best ?? { ...all[all.length - 1], valLoss: null };
}

/** Keep the newest `keep` checkpoints plus the best on validation loss; delete the rest. */
export function pruneCheckpoints(root: string, keep: number): void {
  const all = listCheckpoints(root);
  const best = bestCheckpoint(root);
  const keepSet = new Set(all.slice(-Math.max(1, keep)).map((c) => c.dir));
  if (best) keepSet.add(best.dir);
  for (const c of all) if (!keepSet.has(c.dir)) removeCheckpointDir(root, c.step);
}

/** `model.json` at the root of a training step's output: what synthesis and init_from load. */
export interface TrainedModelDoc {
  kind: 'trained-model';
  network: 'text2mel' | 'ssrn';
  /** Speaker of the training corpus (features.json), shown by synthesis and reports. */
  speaker?: string;
  /** Model architecture config (Text2MelConfig or SsrnConfig). */
  config: Record<string, unknown>;
  /** Feature config of the data it was trained on. */
  features: Record<string, unknown>;
  /** Checkpoint dirs relative to the model.json's directory. */
  latest: string;
  best: string;
  step: number;
  bestValLoss: number | null;
}

export function writeModelDoc(outDir: string, doc: TrainedModelDoc): void {
  writeFileAtomic(join(outDir, 'model.json'), JSON.stringify(doc, null, 2) + '\n');
}
