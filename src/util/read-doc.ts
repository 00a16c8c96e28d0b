// Reads the JSON document a producing step writes at the root of its output directory, checking
// that it is there and of the expected kind (a wrong upstream step is a user's mistake).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export function readDoc<T extends { kind: string }>(dir: string, file: string, kind: string): T {
  const path = join(dir, file);
  if (!existsSync(path)) throw new UserError(`${path}: missing (is the upstream step a ${kind} step?)`);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as T;
  if (doc.kind !== kind) throw new UserError(`${path}: expected a ${kind} document, found '${doc.kind}'`);
  return doc;
}

