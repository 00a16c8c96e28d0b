// `shell`: runs one command (no shell in between) in the step's output directory.
// `${inputs.<step>}`, `${projectDir}`, `${steps}` and `${warmStart}` are substituted in its
// arguments (`${warmStart}`: ctx.warmStart, or an empty string when the run offers none).
// `steps` is an optional budget: left out of the cache key, so raising it re-runs the command
// in a copy of the published entry (a command can continue from what it left there).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StepInterrupted, UserError } from '../errors.ts';
import { pathInFolder, type StepKind } from './contract.ts';

export interface ShellParams {
  run: string[];
  outputs: string[];
  inputs?: string[];
  steps?: number;
}

function substitute(arg: string, ctx: { inputs: Record<string, string>; projectDir: string; steps?: number; warmStart?: string }): string {
  return arg.replace(/\$\{(inputs\.([\w-]+)|projectDir|steps|warmStart)\}/g, (whole, _ref: string, input?: string) => {
    if (input !== undefined) {
      const dir = ctx.inputs[input];
      if (dir === undefined) throw new UserError(`shell: '${whole}' names no step in needs`);
      return dir;
    }
    if (whole === '${projectDir}') return ctx.projectDir;
    if (whole === '${warmStart}') return ctx.warmStart ?? '';
    if (ctx.steps === undefined) throw new UserError(`shell: '${whole}' used but no 'steps' param given`);
    return String(ctx.steps);
  });
}

export const shell: StepKind<ShellParams> = {
  kind: 'shell',
  version: 1,
  description: 'Run a command (no shell) in the step output dir; declared outputs must exist after',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['run', 'outputs'],
    properties: {
      run: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'command and its arguments' },
      outputs: { type: 'array', items: pathInFolder('a file the command writes'), description: 'files the command writes, relative to its output dir (inside it)' },
      inputs: { type: 'array', items: pathInFolder('a file or dir it reads'), description: "files or dirs it reads, relative to the pipeline file (inside its folder; fingerprinted)" },
      steps: { type: 'integer', minimum: 0, description: 'budget, substituted as ${steps}; not part of the cache key' },
    },
  },
  budgetParams: ['steps'],
  inputs: (params, projectDir) => (params.inputs ?? []).map((p) => resolve(projectDir, p)),
  resources: { cpu: 1 },
  async run(ctx) {
    const { execa } = await import('execa');
    const [cmd, ...args] = ctx.params.run.map((a) => substitute(a, { ...ctx, steps: ctx.params.steps }));
    const child = execa(cmd!, args, {
      cwd: ctx.outDir,
      cancelSignal: ctx.signal,
      forceKillAfterDelay: 5000,
      reject: false,
    });
    child.stdout.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((l) => ctx.log(l)));
    child.stderr.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((l) => ctx.warn(l)));
    const result = await child;
    if (ctx.signal.aborted) throw new StepInterrupted();
    if (result.failed) throw new UserError(`shell: ${result.shortMessage}`);
    const missing = ctx.params.outputs.filter((o) => !existsSync(join(ctx.outDir, o)));
    if (missing.length) throw new UserError(`shell: declared outputs missing after the command: ${missing.join(', ')}`);
  },
};
