// Decides whether an archive entry stays inside the extraction folder. Refused: absolute paths,
// any `..` segment, symlinks or hard links whose target leaves the folder, entries below a
// symlink of the same archive (writing through it could land anywhere), and device files/FIFOs.
import { posix } from 'node:path';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:/.test(p);
const hasDotDot = (p: string) => p.split('/').includes('..');
const leaves = (p: string) => isAbsolute(p) || posix.normalize(p).split('/')[0] === '..';

export class ArchiveGuard {
  private readonly symlinks = new Set<string>();

  /** The reason to refuse the entry, or undefined when it is safe. */
  check(path: string, type: EntryType, linkpath = ''): string | undefined {
    const clean = path.replace(/\/+$/, '');
    if (isAbsolute(clean)) return `absolute path ${path}`;
    if (hasDotDot(clean)) return `path ${path} contains '..'`;
    const parts = posix.normalize(clean).split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.symlinks.has(parent)) return `${path} lies below the symlink ${parent}`;
    }
    if (type === 'symlink') {
      if (leaves(posix.join(posix.dirname(clean), linkpath)) || isAbsolute(linkpath)) return `symlink ${path} points outside (${linkpath})`;
      this.symlinks.add(posix.normalize(clean));
    }
    // Hard link targets are archive paths, relative to the archive root.
    if (type === 'hardlink' && (leaves(linkpath) || hasDotDot(linkpath))) return `hard link ${path} points outside (${linkpath})`;
    if (type === 'other') return `${path} is a device file or FIFO`;
    return undefined;
  }
}
