// vcpipe's command line: parses arguments and hands over to one command module. Each command
// accepts the common options plus its own set, so a misplaced option is an error, not ignored.
// Exit codes: 0 ok, 1 a step failed (or check-data found problems), 2 bad input, 130 interrupted.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';
import { HELP } from './commands/help.ts';
import { cacheDirOf, type CliOptions } from './commands/options.ts';
import { PipelineProblems, formatProblem } from './runner/problems.ts';
import { asDiskFull } from './util/disk-full.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  /** Imported on use, so `vcpipe plan` does not load what `vcpipe run` or `report` need. */
  load: () => Promise<(o: CliOptions) => Promise<number>>;
  /** 'one': exactly one pipeline file; 'optional': zero or one; 'many': any number. */
  files: 'one' | 'optional' | 'many';
  options?: Options;
}

const COMMON: Options = { help: { type: 'boolean', short: 'h' }, cache: { type: 'string' }, set: { type: 'string', multiple: true } };
const SELECTION: Options = { only: { type: 'string' }, from: { type: 'string' }, force: { type: 'string', multiple: true } };
const OUTPUT: Options = { jobs: { type: 'string' }, plain: { type: 'boolean' }, json: { type: 'boolean' } };

const COMMANDS: Record<string, Command> = {
  run: {
    load: async () => (await import('./commands/run.ts')).runCommand,
    files: 'one',
    options: {
      ...SELECTION, ...OUTPUT, 'dry-run': { type: 'boolean' }, 'warm-start': { type: 'boolean' },
      executor: { type: 'string' }, redis: { type: 'string' }, store: { type: 'string' }, attempts: { type: 'string' }, shards: { type: 'string' },
    },
  },
  plan: {
    load: async () => (await import('./commands/plan.ts')).planCommand,
    files: 'one',
    options: { ...SELECTION, json: { type: 'boolean' }, 'warm-start': { type: 'boolean' }, store: { type: 'string' } },
  },
  watch: { load: async () => (await import('./commands/watch.ts')).watchCommand, files: 'one', options: { ...OUTPUT, restart: { type: 'boolean' } } },
  status: { load: async () => (await import('./commands/status.ts')).statusCommand, files: 'optional' },
  'check-data': { load: async () => (await import('./commands/check-data.ts')).checkDataCommand, files: 'one', options: { step: { type: 'string' } } },
  report: { load: async () => (await import('./commands/report.ts')).reportCommand, files: 'one', options: { out: { type: 'string' } } },
  clean: { load: async () => (await import('./commands/clean.ts')).cleanCommand, files: 'one' },
  validate: { load: async () => (await import('./commands/validate.ts')).validateCommand, files: 'many' },
  graph: { load: async () => (await import('./commands/graph.ts')).graphCommand, files: 'one' },
  step: {
    load: async () => (await import('./commands/step.ts')).stepCommand,
    files: 'many',
    options: { key: { type: 'string' }, store: { type: 'string' }, job: { type: 'string' }, 'save-every': { type: 'string' }, json: { type: 'boolean' }, plain: { type: 'boolean' } },
  },
  worker: {
    load: async () => (await import('./commands/worker.ts')).workerCommand,
    files: 'many',
    options: {
      redis: { type: 'string' }, store: { type: 'string' }, cpu: { type: 'string' }, gpu: { type: 'string' }, name: { type: 'string' },
      lock: { type: 'string' }, 'save-every': { type: 'string' }, json: { type: 'boolean' }, plain: { type: 'boolean' },
    },
  },
  export: {
    load: async () => (await import('./commands/export.ts')).exportCommand,
    files: 'many',
    options: { store: { type: 'string' }, image: { type: 'string' }, out: { type: 'string' }, 'project-dir': { type: 'string' } },
  },
};

/** Commands that read their own arguments. */
const OWN_ARGS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  doctor: async () => (await import('./doctor.ts')).doctorCommand,
  say: async () => (await import('./commands/say.ts')).sayCommand,
  'export-voice': async () => (await import('./commands/export-voice.ts')).exportVoiceCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
};

const ALL = [...Object.keys(COMMANDS), ...Object.keys(OWN_ARGS)];

export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => void process.stdout.write(line + '\n');
  const err = (line: string) => void process.stderr.write(line + '\n');
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    const help = name === '--help' || name === '-h';
    (help ? out : err)(HELP.main!);
    return help ? 0 : 2;
  }
  if (OWN_ARGS[name]) return (await OWN_ARGS[name]())(rest);
  const command = COMMANDS[name];
  if (!command) {
    err(`vcpipe: unknown command '${name}' (commands: ${ALL.join(', ')})`);
    return 2;
  }
  try {
    const { values, positionals: files } = parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON, ...command.options } });
    const v = values as Record<string, string | boolean | string[] | undefined>;
    if (v.help) {
      out(HELP[name]!);
      return 0;
    }
    if ((command.files === 'one' && files.length !== 1) || (command.files === 'optional' && files.length > 1)) {
      err(`vcpipe ${name}: expected ${command.files === 'one' ? 'one pipeline file' : 'at most one pipeline file'} (see vcpipe ${name} --help)`);
      return 2;
    }
    const jobs = v.jobs === undefined ? undefined : Number(v.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
      err(`vcpipe: --jobs must be a whole number >= 1, got '${v.jobs}'`);
      return 2;
    }
    const run = await command.load();
    return await run({
      file: files[0],
      files,
      cacheDir: cacheDirOf(v.cache as string | undefined),
      // The YAML parser is loaded only when there is something to parse.
      overrides: v.set ? (v.set as string[]).map((await import('./runner/overrides.ts')).parseOverride) : [],
      only: v.only as string | undefined,
      from: v.from as string | undefined,
      force: (v.force as string[] | undefined) ?? [],
      dryRun: v['dry-run'] === true,
      jobs,
      plain: v.plain === true,
      json: v.json === true,
      warmStart: v['warm-start'] === true,
      step: v.step as string | undefined,
      outFile: v.out as string | undefined,
      restart: v.restart === true,
      key: v.key as string | undefined,
      store: v.store as string | undefined,
      job: v.job as string | undefined,
      image: v.image as string | undefined,
      projectDir: v['project-dir'] as string | undefined,
      saveEvery: v['save-every'] as string | undefined,
      redis: v.redis as string | undefined,
      cpu: v.cpu as string | undefined,
      gpu: v.gpu as string | undefined,
      name: v.name as string | undefined,
      lock: v.lock as string | undefined,
      executor: v.executor as string | undefined,
      attempts: v.attempts as string | undefined,
      shards: v.shards as string | undefined,
      out,
      err,
    });
  } catch (e) {
    if (e instanceof PipelineProblems) {
      e.problems.forEach((p) => err(formatProblem(p)));
      return 2;
    }
    const full = asDiskFull(e, process.cwd());
    if (full) {
      err(`vcpipe: ${full.message}`);
      return 1;
    }
    if (e instanceof UserError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`vcpipe: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
