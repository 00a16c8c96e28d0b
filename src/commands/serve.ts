// `vcpipe serve [--voice FILE ...] [--pipeline P ...] [--host 127.0.0.1] [--port 5002]
// [--cache DIR] [--max-in-flight N] [--max-frames N]`: load the voices once and answer HTTP (src/serve/tts-server.ts)
// until SIGTERM or Ctrl-C, which stop accepting connections and finish the requests in flight
// (exit 0). Exit 2: bad input (no voice, a bad voice file, a bad port, the port in use).
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { selectBackend } from '../models/backend.ts';
import { createTtsServer, SERVE_DEFAULTS } from '../serve/tts-server.ts';
import type { ServedVoice } from '../serve/speech-engine.ts';
import { findPipelineVoice, loadPipelineVoice, pipelineCard } from '../voice/pipeline-voice.ts';
import { voiceFromFile } from '../voice/load-voice-file.ts';
import { readVoiceFile } from '../voice/read-voice-file.ts';
import { cacheDirOf } from './options.ts';
import { HELP } from './help.ts';

function wholeNumber(name: string, v: string | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`--${name} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

export async function serveCommand(argv: string[]): Promise<number> {
  const out = (line: string) => void process.stdout.write(line + '\n');
  const err = (line: string) => void process.stderr.write(line + '\n');
  const voices: ServedVoice[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        voice: { type: 'string', multiple: true },
        pipeline: { type: 'string', multiple: true },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        cache: { type: 'string' },
        'max-in-flight': { type: 'string' },
        'max-frames': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      out(HELP.serve!);
      return 0;
    }
    if (positionals.length) throw new UserError(`unexpected argument '${positionals[0]}' (voices are given with --voice or --pipeline)`);
    const port = wholeNumber('port', values.port, 5002, 0, 65535);
    const maxInFlight = wholeNumber('max-in-flight', values['max-in-flight'], SERVE_DEFAULTS.maxInFlight, 1, 100_000);
    const maxFrames = values['max-frames'] === undefined ? undefined : wholeNumber('max-frames', values['max-frames'], 0, 1, 100_000);
    const files = values.voice ?? [];
    const pipelines = values.pipeline ?? [];
    if (!files.length && !pipelines.length) throw new UserError('no voice: give --voice NAME.voice or --pipeline P (see vcpipe serve --help)');
    // One torch thread unless told otherwise: the decoder's ops on one frame are too small to
    // share, and a second thread spinning for work cost 18x the CPU of a batch of 16 pieces on
    // the 2-core machine shared with other work (1,247 vs 69 ms; see docs/benchmarks.md).
    process.env.VCPIPE_THREADS ??= '1';
    // A damaged file or an untrained pipeline: one line, nothing loaded.
    const read = files.map((file) => ({ file, contents: readVoiceFile(file) }));
    const found = await Promise.all(pipelines.map((p) => findPipelineVoice(p, cacheDirOf(values.cache), values.cache ?? './cache')));
    await selectBackend('auto', err);
    for (const { file, contents } of read) {
      const v = await voiceFromFile(file, contents);
      voices.push({ name: basename(file).replace(/\.voice$/, ''), speaking: v.speaking, card: v.card, maxFrames });
    }
    for (const p of found) {
      const speaking = loadPipelineVoice(p, 'latest');
      const card = pipelineCard(p, speaking, 'latest');
      voices.push({ name: card.name, speaking, card, maxFrames });
    }
    for (const v of voices) err(`vcpipe serve: ${v.name}: ${v.speaking.summary}`);
    const names = voices.map((v) => v.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new UserError(`two voices are named '${twice}' (a voice's name is its file name without .voice)`);

    const tts = createTtsServer({ voices, maxInFlight, log: err });
    await new Promise<void>((resolve, reject) => {
      tts.server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL' ? new UserError(`cannot listen on ${values.host}:${port}: ${e.code}`) : e),
      );
      tts.server.listen(port, values.host, resolve);
    });
    const address = tts.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    out(`vcpipe serve: http://${values.host}:${bound}/ (voices: ${names.join(', ')})`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        err(`vcpipe serve: ${signal}: finishing ${tts.inFlight()} request(s) in flight`);
        void tts.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    err('vcpipe serve: stopped');
    return 0;
  } catch (e) {
    if (e instanceof UserError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`vcpipe serve: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  } finally {
    for (const v of voices) v.speaking.dispose();
  }
}
