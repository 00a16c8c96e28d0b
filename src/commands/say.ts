// `vcpipe say "Any text here." [--pipeline pipelines/demo.yaml] [--cache DIR] [--out file.wav]
// [--play] [--checkpoint latest|best|N]`: speak one text with the newest voice a pipeline has
// trained into the cache (vocoded as the synthesize step does: vocoders/registry.ts). Exit codes: 0 spoken, 2 bad input (no trained model, unspeakable text).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { cacheDirOf } from './options.ts';
import { selectBackend } from '../models/backend.ts';
import { findVoice } from '../runner/find-trained.ts';
import type { CheckpointChoice } from '../synthesis/load-voice.ts';
import { synthesizeSentences } from '../synthesis/synthesize.ts';
import { chooseVocoder } from '../synthesis/vocoders/registry.ts';

export const SAY_USAGE = 'usage: vcpipe say "Any text here." [--pipeline pipelines/demo.yaml] [--cache DIR] [--out file.wav] [--play] [--checkpoint latest|best|N]';

const PLAYERS = ['aplay', 'paplay', 'afplay'];

export interface SayIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: SayIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

function parseCheckpoint(v: string | undefined): CheckpointChoice {
  if (v === undefined || v === 'latest' || v === 'best') return v ?? 'latest';
  if (/^\d+$/.test(v)) return Number(v);
  throw new UserError(`--checkpoint must be latest, best or a step number, got '${v}'`);
}

/** First of the players found on PATH. */
function findPlayer(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return PLAYERS.find((p) => dirs.some((d) => existsSync(join(d, p))));
}

export async function sayCommand(argv: string[], io: SayIo = stdio): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        pipeline: { type: 'string', default: 'pipelines/demo.yaml' },
        cache: { type: 'string' },
        out: { type: 'string', default: 'say.wav' },
        play: { type: 'boolean', default: false },
        checkpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(`${SAY_USAGE}\n  Speaks the text with the newest trained Text2Mel and SSRN of the pipeline (in its cache) into a WAV;\n  before an SSRN is trained, through the mel pseudo-inverse (preview quality).`);
      return 0;
    }
    const text = positionals.join(' ');
    if (!text.trim()) throw new UserError(`nothing to say\n${SAY_USAGE}`);
    const which = parseCheckpoint(values.checkpoint);
    const cacheDir = cacheDirOf(values.cache);
    const shownCache = values.cache ?? './cache';
    const pipeline = values.pipeline!;
    const voice = findVoice(resolve(pipeline), cacheDir);
    const retrain = `run: npx vcpipe run ${pipeline}`;
    if (!voice.text2mel) throw new UserError(`no trained text2mel in ${shownCache} for ${pipeline} — ${retrain}`);
    const ssrn = voice.ssrn;
    const vocoder = await chooseVocoder(undefined, ssrn !== undefined);

    await selectBackend('auto', io.err);
    const work = mkdtempSync(join(tmpdir(), 'vcpipe-say-'));
    try {
      const result = await synthesizeSentences({
        text2melDir: voice.text2mel.dir, vocoder: vocoder.name, ssrnDir: ssrn?.dir, sentences: [text], which,
        batchSize: 8, outDir: work,
        log: io.err, warn: io.err,
      });
      const spoken = result.sentences[0];
      if (!spoken) throw new UserError(`cannot say that: ${result.failed[0]?.reason ?? 'nothing was spoken'}`);
      copyFileSync(join(work, spoken.wav), values.out!);
      io.out(`${values.out}: ${spoken.seconds.toFixed(2)} s (${[voice.text2mel.step, ssrn?.step ?? vocoder.name].join(' + ')}, real-time factor ${(result.audioSeconds / result.wallSeconds).toFixed(2)})`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    if (values.play) {
      const player = findPlayer();
      if (!player) io.err(`vcpipe say: --play: none of ${PLAYERS.join(', ')} found; the WAV is ${values.out}`);
      else spawnSync(player, [values.out!], { stdio: 'inherit' });
    }
    return 0;
  } catch (err) {
    if (err instanceof UserError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vcpipe say: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
}
