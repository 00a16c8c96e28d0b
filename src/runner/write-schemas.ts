// `npm run schemas`: writes schemas/pipeline.schema.json and schemas/steps/<kind>.schema.json
// from the code (a test checks they are up to date).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAllStepKinds } from '../steps/registry.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { editorPipelineSchema } from './pipeline-schema.ts';
import { stepReference, withReference } from './step-reference.ts';

export const SCHEMAS_DIR = resolve(import.meta.dirname, '../../schemas');
export const README = resolve(import.meta.dirname, '../../README.md');

/** README.md with its generated step reference brought up to date. */
export async function readmeWithReference(): Promise<string> {
  return withReference(readFileSync(README, 'utf8'), stepReference(await loadAllStepKinds()));
}

/** File path (relative to schemas/) -> its JSON text. */
export async function schemaFiles(): Promise<Map<string, string>> {
  const kinds = await loadAllStepKinds();
  const files = new Map<string, string>();
  const text = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  files.set('pipeline.schema.json', text(editorPipelineSchema([...kinds.keys()])));
  for (const [name, kind] of kinds) {
    files.set(join('steps', `${name}.schema.json`), text({ $schema: 'http://json-schema.org/draft-07/schema#', title: `${name} step: ${kind.description}`, ...kind.paramsSchema }));
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(join(SCHEMAS_DIR, 'steps'), { recursive: true });
  for (const [path, text] of await schemaFiles()) {
    writeFileAtomic(join(SCHEMAS_DIR, path), text);
    console.log(`wrote schemas/${path}`);
  }
  writeFileAtomic(README, await readmeWithReference());
  console.log('wrote the step reference in README.md');
}
