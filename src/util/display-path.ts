// How a path is shown to a person: relative to a base folder when it lies inside it, else as is.
import { isAbsolute, relative } from 'node:path';

export function displayPath(path: string, base: string | undefined): string {
  if (!base) return path;
  const rel = relative(base, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
