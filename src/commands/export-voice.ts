// `vcpipe export-voice <pipeline.yaml> --out NAME.voice [--step SYNTH] [--checkpoint latest|best|N]
// [--cache DIR]`: the pipeline's trained voice as one portable file (src/voice/voice-format.ts).
// Exit 0 written, 2 bad input (nothing trained, no synthesize step, bad options).
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { exportVoice } from '../voice/export-voice.ts';
import { cacheDirOf } from './options.ts';
import { HELP } from './help.ts';

export async function exportVoiceCommand(argv: string[]): Promise<number> {
  const out = (line: string) => void process.stdout.write(line + '\n');
  const err = (line: string) => void process.stderr.write(line + '\n');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        step: { type: 'string' },
        checkpoint: { type: 'string' },
        cache: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      out(HELP['export-voice']!);
      return 0;
    }
    if (positionals.length !== 1) throw new UserError('expected one pipeline file (see vcpipe export-voice --help)');
    if (!values.out) throw new UserError('--out NAME.voice is required');
    const c = values.checkpoint;
    if (c !== undefined && c !== 'latest' && c !== 'best' && !/^\d+$/.test(c)) throw new UserError(`--checkpoint must be latest, best or a step number, got '${c}'`);
    const { manifest, card } = await exportVoice({
      pipeline: positionals[0],
      cacheDir: cacheDirOf(values.cache),
      step: values.step,
      which: c === undefined ? undefined : /^\d+$/.test(c) ? Number(c) : (c as 'latest' | 'best'),
      out: values.out,
    });
    const bytes = manifest.parts.reduce((a, p) => a + p.bytes, 0);
    out(`${values.out}: voice '${card.name}' (${card.speaker}; Text2Mel step ${card.steps.text2mel}, SSRN step ${card.steps.ssrn}; held-out WER ${card.heldoutWer?.toFixed(3) ?? 'not evaluated'}), ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    return 0;
  } catch (e) {
    if (e instanceof UserError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`vcpipe export-voice: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
