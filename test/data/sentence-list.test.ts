// The one sentence-list reader, used by speech-corpus and synthesize.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSentences, resolveSentenceFile } from '../../src/data/sentence-list.ts';
import { UserError } from '../../src/errors.ts';
import { makeTempDir } from '../helpers/make-context.ts';

describe('readSentences', () => {
  it('reads one sentence per line, trimmed, blank and CRLF lines handled', () => {
    const file = join(makeTempDir(), 'list.txt');
    writeFileSync(file, '  First one.\r\n\r\nSecond one.  \n\n');
    expect(readSentences(file, 'synthesize')).toEqual(['First one.', 'Second one.']);
  });

  it('names the step and the file when the list is missing or empty', () => {
    const dir = makeTempDir();
    const missing = join(dir, 'nope.txt');
    expect(() => readSentences(missing, 'synthesize')).toThrow(new UserError(`synthesize: sentence list ${missing} not found`));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n  \n');
    expect(() => readSentences(empty, 'speech-corpus')).toThrow(new UserError(`speech-corpus: sentence list ${empty} has no sentences`));
  });

  it('finds a shipped list from a pipeline folder that has no copy of it', () => {
    const file = resolveSentenceFile('data/sentences.txt', makeTempDir());
    expect(readSentences(file, 'speech-corpus').length).toBeGreaterThan(100);
  });
});
