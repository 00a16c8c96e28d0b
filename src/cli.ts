// vcpipe's command line: parses arguments and hands over to one command module.
// Exit codes: 0 ok, 1 a step failed, 2 bad input, 130 interrupted.
import { parseArgs } from 'node:util';
import { UserError } from './steps/contract.ts';
import { cleanCommand } from './runner/commands/clean.ts';
import { graphCommand } from './runner/commands/graph.ts';
import { HELP } from './runner/commands/help.ts';
import { cacheDirOf, type CliOptions } from './runner/commands/options.ts';
import { planCommand } from './runner/commands/plan.ts';
import { runCommand } from './runner/commands/run.ts';
import { statusCommand } from './runner/commands/status.ts';
import { validateCommand } from './runner/commands/validate.ts';
import { parseOverride } from './runner/overrides.ts';
import { PipelineProblems, formatProblem } from './runner/problems.ts';

const COMMANDS: Record<string, { run: (o: CliOptions) => Promise<number>; needsFile: boolean }> = {
  run: { run: runCommand, needsFile: true },
  plan: { run: planCommand, needsFile: true },
  status: { run: statusCommand, needsFile: false },
  clean: { run: cleanCommand, needsFile: true },
  validate: { run: validateCommand, needsFile: false },
  graph: { run: graphCommand, needsFile: true },
};

export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => void process.stdout.write(line + '\n');
  const err = (line: string) => void process.stderr.write(line + '\n');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        cache: { type: 'string' },
        set: { type: 'string', multiple: true },
        only: { type: 'string' },
        from: { type: 'string' },
        force: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        jobs: { type: 'string' },
        plain: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    const [name, ...files] = positionals;
    const command = name ? COMMANDS[name] : undefined;
    if (!name || (values.help && !command)) {
      out(HELP.main!);
      return values.help ? 0 : 2;
    }
    if (!command) {
      err(`vcpipe: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return 2;
    }
    if (values.help) {
      out(HELP[name]!);
      return 0;
    }
    if (command.needsFile && files.length !== 1) {
      err(`vcpipe ${name}: expected one pipeline file (see vcpipe ${name} --help)`);
      return 2;
    }
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
      err(`vcpipe: --jobs must be a whole number >= 1, got '${values.jobs}'`);
      return 2;
    }
    return await command.run({
      file: files[0],
      files,
      cacheDir: cacheDirOf(values.cache),
      overrides: (values.set ?? []).map(parseOverride),
      only: values.only,
      from: values.from,
      force: values.force ?? [],
      dryRun: values['dry-run'] ?? false,
      jobs,
      plain: values.plain ?? false,
      json: values.json ?? false,
      out,
      err,
    });
  } catch (e) {
    if (e instanceof PipelineProblems) {
      e.problems.forEach((p) => err(formatProblem(p)));
      return 2;
    }
    if (e instanceof UserError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`vcpipe: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
