// `ljspeech`: a corpus already on disk, in LJSpeech layout or as <name>.wav + <name>.txt pairs,
// either a local folder (`root`) or inside an upstream step's output (`from` + `subdir`).
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { StepContext, StepKind } from './contract.ts';
import type { LjspeechParams } from '../data/read-local-corpus.ts';

function corpusRoot(ctx: StepContext<LjspeechParams>): string {
  const { root, from, subdir = '' } = ctx.params;
  if (from !== undefined) {
    const dir = ctx.inputs[from];
    if (dir === undefined) throw new UserError(`ljspeech: 'from: ${from}' names no upstream step of '${ctx.name}' (add it to needs)`);
    return join(dir, subdir);
  }
  if (root === undefined) throw new UserError("ljspeech: give either 'root' (a folder) or 'from' (an upstream step)");
  return resolve(ctx.projectDir, root, subdir);
}

export const ljspeech: StepKind<LjspeechParams> = {
  kind: 'ljspeech',
  version: 1,
  description: 'Read a corpus folder (LJSpeech metadata.csv + wavs/, or <name>.wav + <name>.txt pairs)',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    oneOf: [{ required: ['root'] }, { required: ['from'] }],
    properties: {
      root: { type: 'string', description: 'corpus folder, relative to the pipeline file' },
      from: { type: 'string', description: 'an upstream step (e.g. a download) whose output holds the corpus' },
      subdir: { type: 'string', description: 'folder inside root or the upstream output (e.g. LJSpeech-1.1)' },
      speaker: { type: 'string', description: 'speaker label (default: the folder name)' },
      limit: { type: 'integer', minimum: 1, description: 'use only the first N usable utterances' },
      on_error: { enum: ['skip', 'fail'], default: 'skip', description: 'skip unusable items with a warning, or stop at the first' },
    },
  },
  // An upstream output is fingerprinted by the runner already; only a local folder is ours to name.
  inputs: (params, projectDir) => (params.root === undefined ? [] : [resolve(projectDir, params.root, params.subdir ?? '')]),
  run: async (ctx) => {
    const { readLocalCorpus } = await import('../data/read-local-corpus.ts');
    const root = corpusRoot(ctx);
    await readLocalCorpus(ctx, root, ctx.params.speaker ?? basename(root));
  },
};
