// The schema files in schemas/ match the code (run `npm run schemas` after changing a kind).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFiles, SCHEMAS_DIR } from '../../src/runner/write-schemas.ts';

describe('schemas/', () => {
  it('is up to date with the step kinds (npm run schemas)', async () => {
    for (const [path, text] of await schemaFiles()) {
      const file = join(SCHEMAS_DIR, path);
      expect(existsSync(file) ? readFileSync(file, 'utf8') : `missing ${file}`, path).toBe(text);
    }
  });
});
