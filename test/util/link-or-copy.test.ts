// linkOrCopy: a hard link on the same file system (no bytes copied), replacing what was there.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkOrCopy } from '../../src/util/link-or-copy.ts';
import { makeTempDir } from '../helpers/make-context.ts';

describe('linkOrCopy', () => {
  it('links the cached file into place, replacing an older file there', () => {
    const dir = makeTempDir();
    const from = join(dir, 'cached.npy');
    const to = join(dir, 'out.npy');
    writeFileSync(from, 'new bytes');
    writeFileSync(to, 'old');
    linkOrCopy(from, to);
    expect(readFileSync(to, 'utf8')).toBe('new bytes');
    expect(statSync(to).ino).toBe(statSync(from).ino);
    expect(statSync(from).nlink).toBe(2);
  });

  it('fails with the source named when there is nothing to place', () => {
    const dir = makeTempDir();
    expect(() => linkOrCopy(join(dir, 'missing'), join(dir, 'out'))).toThrow(/missing/);
  });
});
