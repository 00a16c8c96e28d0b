// The HTTP side of `vcpipe serve` (node:http, no framework):
//   GET  /             the web page (web-page.ts)
//   GET  /health       {"status":"ok","voices":[...],"inFlight":n,"spoken":{"pieces":n,"batches":n},"tensors":n}
//                      (tensors: live tensor count, which must not grow from request to request)
//   GET  /api/voices   {"voices":[{name, sampleRate, vocoder, card}], "default": name}
//   POST /api/tts      {"text", "voice"?, "format"?: "wav"} → audio/wav, streamed piece by piece
//                      with chunked transfer (header: wav-stream.ts)
// Every refusal is a 4xx/5xx with one line of JSON {"error": "..."}. Bounds: request body
// (maxBodyBytes → 413), text length (maxTextChars → 400), requests in flight (maxInFlight → 503
// with Retry-After). The server only binds where the caller listens it (serve defaults to 127.0.0.1).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UserError } from '../errors.ts';
import { tf } from '../models/backend.ts';
import { firstLine } from '../util/error-line.ts';
import { piecesOf } from '../voice/speak.ts';
import { SpeechEngine, type ServedVoice } from './speech-engine.ts';
import { pcm16, streamingWavHeader } from './wav-stream.ts';
import { WEB_PAGE } from './web-page.ts';

export interface TtsServerOptions {
  voices: ServedVoice[];
  maxBodyBytes?: number;
  maxTextChars?: number;
  maxInFlight?: number;
  /** Pieces generated together in one decoder batch. */
  batchSize?: number;
  /** One line per failed synthesis (the client gets a 500). */
  log?: (line: string) => void;
}

export const SERVE_DEFAULTS = { maxBodyBytes: 64 * 1024, maxTextChars: 2000, maxInFlight: 128, batchSize: 16 };

export interface TtsServer {
  server: Server;
  /** POST /api/tts requests accepted and not yet answered. */
  inFlight(): number;
  /** Stop accepting connections; resolves when every request in flight is answered. */
  close(): Promise<void>;
}

/** A refusal: HTTP status and the one-line message. */
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

/** The body, or a 413 as soon as it grows past `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new HttpError(413, `request body is over the limit of ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface TtsRequest {
  text: string;
  voice: ServedVoice;
}

function parseTtsRequest(body: Buffer, voices: Map<string, ServedVoice>, maxTextChars: number): TtsRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `body is not JSON: ${firstLine(err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new HttpError(400, 'body must be a JSON object {"text": ..., "voice"?: ..., "format"?: "wav"}');
  const { text, voice, format, ...rest } = doc as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new HttpError(400, `unknown field ${extra.map((k) => `'${k}'`).join(', ')} (fields: text, voice, format)`);
  if (typeof text !== 'string') throw new HttpError(400, "'text' must be a string");
  if (!text.trim()) throw new HttpError(400, "'text' is empty");
  if (text.length > maxTextChars) throw new HttpError(400, `'text' has ${text.length} characters; the limit is ${maxTextChars}`);
  if (format !== undefined && format !== 'wav') throw new HttpError(400, `'format' ${JSON.stringify(format)} is not supported (only "wav")`);
  if (voice !== undefined && typeof voice !== 'string') throw new HttpError(400, "'voice' must be a string");
  const chosen = voice === undefined ? voices.values().next().value! : voices.get(voice);
  if (!chosen) throw new HttpError(404, `unknown voice '${voice}' (voices: ${[...voices.keys()].join(', ')})`);
  return { text, voice: chosen };
}

export function createTtsServer(o: TtsServerOptions): TtsServer {
  const limits = { ...SERVE_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as typeof SERVE_DEFAULTS;
  const voices = new Map(o.voices.map((v) => [v.name, v]));
  if (!voices.size) throw new UserError('serve: no voice to serve');
  const engine = new SpeechEngine(limits.batchSize);
  const log = o.log ?? (() => {});
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const finish = () => {
    inFlight--;
    if (inFlight === 0) for (const d of drained.splice(0)) d();
  };

  /** Streams the speech of one accepted request; resolves when the response is over. */
  function speak(res: ServerResponse, r: TtsRequest): Promise<void> {
    const pieces = (() => {
      try {
        return piecesOf(r.voice.speaking, r.text);
      } catch (err) {
        throw new HttpError(400, firstLine(err));
      }
    })();
    const sampleRate = r.voice.speaking.voice.features.sample_rate;
    const pause = new Float32Array(Math.round(r.voice.speaking.pauseSeconds * sampleRate));
    return new Promise((resolve) => {
      const cancel = engine.submit(r.voice, pieces, {
        piece(wave, index) {
          if (index === 0) {
            // The header goes out with the first audio, so a failure before it is still a JSON 500.
            res.writeHead(200, { 'Content-Type': 'audio/wav', 'Cache-Control': 'no-store', 'X-Voice': r.voice.name });
            res.write(Buffer.concat([streamingWavHeader(sampleRate), pcm16(wave)]));
          } else res.write(Buffer.concat([pcm16(pause), pcm16(wave)]));
        },
        done() {
          res.end(resolve);
        },
        failed(err) {
          log(`serve: synthesis failed: ${firstLine(err)}`);
          if (res.headersSent) res.destroy(); // a cut-off stream tells the client it is incomplete
          else sendJson(res, 500, { error: `synthesis failed: ${firstLine(err)}` });
          resolve();
        },
      });
      // The client went away: stop speaking for it.
      res.on('close', () => {
        cancel();
        resolve();
      });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const allow = (method: string) => {
      if (req.method !== method) throw new HttpError(405, `${req.method} is not allowed on ${path} (use ${method})`, { Allow: method });
    };
    if (path === '/') {
      allow('GET');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(WEB_PAGE) });
      res.end(WEB_PAGE);
    } else if (path === '/health') {
      allow('GET');
      sendJson(res, 200, { status: 'ok', voices: [...voices.keys()], inFlight, spoken: engine.spoken, tensors: tf.memory().numTensors });
    } else if (path === '/api/voices') {
      allow('GET');
      sendJson(res, 200, {
        voices: [...voices.values()].map((v) => ({ name: v.name, sampleRate: v.speaking.voice.features.sample_rate, vocoder: v.speaking.vocoderName, card: v.card })),
        default: voices.keys().next().value,
      });
    } else if (path === '/api/tts') {
      allow('POST');
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, `content type must be application/json, got '${type || 'none'}'`);
      if (inFlight >= limits.maxInFlight) throw new HttpError(503, `busy: ${inFlight} requests in flight (limit ${limits.maxInFlight}); retry shortly`, { 'Retry-After': '1' });
      inFlight++;
      try {
        const r = parseTtsRequest(await readBody(req, limits.maxBodyBytes), voices, limits.maxTextChars);
        await speak(res, r);
      } finally {
        finish();
      }
    } else throw new HttpError(404, `no such path ${path} (paths: /, /health, /api/voices, /api/tts)`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) {
        // After a body over the limit the connection is closed rather than draining the rest.
        sendJson(res, err.status, { error: err.message }, { ...err.headers, ...(err.status === 413 ? { Connection: 'close' } : {}) });
      } else {
        log(`serve: ${firstLine(err)}`);
        sendJson(res, 500, { error: firstLine(err) });
      }
    });
  });
  return {
    server,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.close();
        server.closeIdleConnections();
        if (inFlight === 0) resolve();
        else drained.push(resolve);
      }),
  };
}
