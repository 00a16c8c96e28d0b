// Fingerprints of a step's input files and directories. Content hashes are stored per input
// root with each file's (size, mtime, inode): a file whose stat is unchanged is not re-read,
// so deciding "nothing changed" over 13,100 files costs 13,100 stats, not 13,100 reads.
// On top, the store keeps a digest of all those stats and the fingerprint it gave: when the
// digest is unchanged (the usual case of a plan), the per-file table is not even parsed.
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { writeJsonAtomic } from '../util/atomic.ts';
import { hashFile, sha256 } from '../util/hash.ts';
import type { CacheLayout } from './cache-layout.ts';

interface StatRecord {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

interface StatDb {
  /** sha256 over every file's (relative path, size, mtime, inode), in order. */
  statDigest: string;
  fingerprint: string;
  files: Record<string, StatRecord>;
}

/** Paths relative to `root`, sorted ('.' for a single file). */
function listFiles(root: string, st: Stats): string[] {
  if (!st.isDirectory()) return ['.'];
  const prefix = root.length + sep.length;
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(prefix))
    .sort();
}

function sameStat(r: StatRecord | undefined, st: Stats): r is StatRecord {
  return !!r && r.size === st.size && r.mtimeMs === st.mtimeMs && r.ino === st.ino;
}

function readDb(path: string): StatDb | undefined {
  if (!existsSync(path)) return undefined;
  const db = JSON.parse(readFileSync(path, 'utf8')) as StatDb | StatDb['files'];
  // A store from before the digest was kept is the bare table of files: its hashes still count.
  return typeof db.statDigest === 'string' ? (db as StatDb) : { statDigest: '', fingerprint: '', files: db as StatDb['files'] };
}

/** sha256 over (relative path, content hash) of every file under `path`; 'missing' if absent. */
export async function fingerprint(path: string, cache: CacheLayout): Promise<string> {
  if (!existsSync(path)) return 'missing';
  const dbPath = cache.fingerprints(sha256(path).slice(0, 24));
  const rootStat = lstatSync(path);
  const rels = listFiles(path, rootStat);
  const stats = rels.map((rel) => (rel === '.' ? rootStat : lstatSync(join(path, rel))));
  const statDigest = sha256(rels.map((rel, i) => `${rel}\0${stats[i]!.size}\0${stats[i]!.mtimeMs}\0${stats[i]!.ino}`).join('\n'));
  const db = readDb(dbPath);
  if (db?.statDigest === statDigest) return db.fingerprint;

  const files: Record<string, StatRecord> = {};
  const parts: string[] = [];
  for (const [i, rel] of rels.entries()) {
    const st = stats[i]!;
    let rec = db?.files[rel];
    if (!sameStat(rec, st)) rec = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: await hashFile(rel === '.' ? path : join(path, rel)) };
    files[rel] = rec;
    parts.push(`${rel}\0${rec.sha256}`);
  }
  const result = sha256(parts.join('\n'));
  writeJsonAtomic(dbPath, { statDigest, fingerprint: result, files } satisfies StatDb);
  return result;
}
