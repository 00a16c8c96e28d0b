// The schema files in schemas/ match the code (run `npm run schemas` after changing a kind).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README, readmeWithReference, schemaFiles, SCHEMAS_DIR } from '../../src/runner/write-schemas.ts';

describe('schemas/', () => {
  it('is up to date with the step kinds (npm run schemas)', async () => {
    for (const [path, text] of await schemaFiles()) {
      const file = join(SCHEMAS_DIR, path);
      expect(existsSync(file) ? readFileSync(file, 'utf8') : `missing ${file}`, path).toBe(text);
    }
  });

  it("README.md's step reference is up to date with the step kinds (npm run schemas)", async () => {
    expect(readFileSync(README, 'utf8')).toBe(await readmeWithReference());
  });
});
