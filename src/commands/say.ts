// `vcpipe say "Any text here." [--voice NAME.voice | --pipeline pipelines/demo.yaml] [--cache DIR]
// [--out file.wav] [--play] [--checkpoint latest|best|N] [--max-frames N]`: speak one text with a
// voice file or the newest voice a pipeline has trained into the cache (vocoded through the
// vocoder seam: SSRN + Griffin-Lim, or the mel pseudo-inverse before an SSRN is trained). Only
// what the text needs is loaded: the backend starts while the voice is found and read, the
// networks are loaded once and no plots are drawn (src/voice/speak.ts).
// Exit codes: 0 spoken, 2 bad input (no trained model, bad voice file, unspeakable text).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { cacheDirOf } from './options.ts';
import { selectBackend } from '../models/backend.ts';
import { writeWav } from '../audio/wav.ts';
import type { CheckpointChoice } from '../synthesis/load-voice.ts';
import { speakText } from '../voice/speak.ts';
import type { SpeakingVoice } from '../synthesis/speaking-voice.ts';

export const SAY_USAGE = 'usage: vcpipe say "Any text here." [--voice NAME.voice | --pipeline pipelines/demo.yaml] [--cache DIR] [--out file.wav] [--play] [--checkpoint latest|best|N] [--max-frames N]';

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
        pipeline: { type: 'string' },
        voice: { type: 'string' },
        cache: { type: 'string' },
        out: { type: 'string', default: 'say.wav' },
        play: { type: 'boolean', default: false },
        checkpoint: { type: 'string' },
        'max-frames': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(`${SAY_USAGE}\n  Speaks the text into a WAV with a voice file (vcpipe export-voice), or with the newest trained Text2Mel and SSRN of the pipeline\n  (in its cache; default pipelines/demo.yaml); before an SSRN is trained, through the mel pseudo-inverse (preview quality).`);
      return 0;
    }
    const text = positionals.join(' ');
    if (!text.trim()) throw new UserError(`nothing to say\n${SAY_USAGE}`);
    if (values.voice && values.pipeline) throw new UserError('give --voice or --pipeline, not both');
    const which = parseCheckpoint(values.checkpoint);
    const cap = values['max-frames'];
    if (cap !== undefined && !/^[1-9]\d*$/.test(cap)) throw new UserError(`--max-frames must be a whole number ≥ 1, got '${cap}'`);
    const started = performance.now();
    // The backend loads while the voice is found and read; the networks are built once it is ready.
    // Its lines are shown once it is needed, so a bad voice file or pipeline is the only line.
    const backendLines: string[] = [];
    // One torch thread unless told otherwise, as in serve: one sentence's ops are too small to share.
    process.env.VCPIPE_THREADS ??= '1';
    const startedBackend = selectBackend('auto', (l) => void backendLines.push(l));
    const backendReady = async () => {
      await startedBackend;
      backendLines.forEach((l) => io.err(l));
    };
    let voice: SpeakingVoice;
    let label: string;
    // Each way to a voice imports only its own modules (the pipeline's: YAML and the cache layout).
    if (values.voice) {
      if (values.checkpoint) throw new UserError('--checkpoint is for --pipeline; a voice file holds one checkpoint');
      const { readVoiceFile } = await import('../voice/read-voice-file.ts');
      const { voiceFromFile } = await import('../voice/load-voice-file.ts');
      const file = readVoiceFile(values.voice); // checked before the networks are built
      await backendReady();
      const loaded = await voiceFromFile(values.voice, file);
      voice = loaded.speaking;
      label = `${loaded.card.name}: ${loaded.card.steps.text2mel} + ${loaded.card.steps.ssrn} steps`;
    } else {
      const pipeline = values.pipeline ?? 'pipelines/demo.yaml';
      const { findPipelineVoice, loadPipelineVoice } = await import('../voice/pipeline-voice.ts');
      const found = await findPipelineVoice(pipeline, cacheDirOf(values.cache), values.cache ?? './cache');
      await backendReady();
      voice = loadPipelineVoice(found, which);
      label = `${found.text2mel.step} + ${found.ssrn?.step ?? found.vocoder.name}`;
    }
    try {
      io.err(`voice: ${voice.summary}`);
      const wave = speakText(voice, text, cap === undefined ? undefined : Number(cap));
      writeWav(values.out!, [wave], voice.voice.features.sample_rate, 'pcm16');
      const seconds = wave.length / voice.voice.features.sample_rate;
      const processing = (performance.now() - started) / 1000;
      io.out(`${values.out}: ${seconds.toFixed(2)} s (${label}, real-time factor ${(processing / seconds).toFixed(2)}: ${processing.toFixed(2)} s processing ÷ audio)`);
    } finally {
      voice.dispose();
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
