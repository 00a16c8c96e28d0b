// `vcpipe serve` over real HTTP with a real (tiny, barely trained) voice file: streaming WAVs,
// the voices and their cards, one-line JSON refusals, 100 concurrent requests, the in-flight
// bound, loopback-only binding and a SIGTERM that finishes what is in flight.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { networkInterfaces } from 'node:os';
import { decodeWav } from '../../src/audio/wav.ts';
import { STREAMING_SIZE, withKnownSizes } from '../../src/serve/wav-stream.ts';
import { makeTinyVoice, type TinyVoice } from '../voice/tiny-voice.ts';
import { readChunks, startServer, tts, type RunningServer } from './start-server.ts';

const CLI = resolve(import.meta.dirname, '../../bin/vcpipe.js');

/** Reduced frames per sentence: an untrained Text2Mel never stops on its own. 12 · 4 · 200 samples = 0.6 s. */
const MAX_FRAMES = 12;
const MAX_PIECE_SAMPLES = MAX_FRAMES * 4 * 200;
const PAUSE_SAMPLES = 0.25 * 16000;

let v: TinyVoice;
let server: RunningServer;

beforeAll(async () => {
  v = await makeTinyVoice();
  server = await startServer(['--voice', v.voiceFile, '--max-frames', String(MAX_FRAMES)]);
}, 120_000);

afterAll(() => {
  server?.child.kill('SIGKILL');
});

function concat(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

async function expectError(res: Response, status: number, message: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  expect(text.trimEnd().split('\n')).toHaveLength(1);
  expect(JSON.parse(text).error).toMatch(message);
}

describe('vcpipe serve', () => {
  it('GET /health and /api/voices: the loaded voice with its model card', async () => {
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', voices: ['tiny'], inFlight: 0, spoken: { pieces: 0, batches: 0 } });
    expect(health.tensors).toBeGreaterThan(0); // the two networks' weights
    const voices = await (await fetch(`${server.url}/api/voices`)).json();
    expect(voices.default).toBe('tiny');
    expect(voices.voices).toHaveLength(1);
    expect(voices.voices[0]).toMatchObject({ name: 'tiny', sampleRate: 16000, vocoder: 'griffin-lim-ssrn', card: { speaker: 'synthetic', heldoutWer: 0.25, steps: { text2mel: 2, ssrn: 2 } } });
  });

  it('POST /api/tts streams a WAV sentence by sentence (chunked, streaming header)', async () => {
    const res = await tts(server.url, { text: 'One sentence here. Another one follows. And a third.', format: 'wav' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const { chunks } = await readChunks(res);
    const wav = concat(chunks);
    const view = new DataView(wav.buffer, wav.byteOffset);
    expect(view.getUint32(4, true)).toBe(STREAMING_SIZE);
    expect(view.getUint32(40, true)).toBe(STREAMING_SIZE);
    // The first sentence arrived on its own, before the others were spoken.
    expect(chunks[0].length - 44).toBeLessThanOrEqual(MAX_PIECE_SAMPLES * 2);
    expect(chunks[0].length).toBeLessThan(wav.length);
    const audio = decodeWav(withKnownSizes(wav), 'response');
    expect(audio.sampleRate).toBe(16000);
    const samples = audio.channels[0].length;
    // Three pieces of at most 12 frames each, two pauses between them.
    expect(samples).toBeGreaterThan(2 * PAUSE_SAMPLES + 3 * 1600);
    expect(samples).toBeLessThanOrEqual(2 * PAUSE_SAMPLES + 3 * MAX_PIECE_SAMPLES);
    const peak = audio.channels[0].reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    expect(peak).toBeGreaterThan(0.9);
  });

  it('bad requests get a 4xx with a one-line JSON error, and the server keeps serving', async () => {
    await expectError(await tts(server.url, { text: '' }), 400, /'text' is empty/);
    await expectError(await tts(server.url, { text: 'a'.repeat(2001) }), 400, /2001 characters; the limit is 2000/);
    await expectError(await tts(server.url, { text: 'Hi.', voice: 'nobody' }), 404, /unknown voice 'nobody' \(voices: tiny\)/);
    await expectError(await tts(server.url, '{"text": "Hi."'), 400, /body is not JSON/);
    await expectError(await tts(server.url, { text: 'Hi.' }, 'text/plain'), 415, /content type must be application\/json, got 'text\/plain'/);
    await expectError(await tts(server.url, { text: 'Hi.', format: 'mp3' }), 400, /'format' "mp3" is not supported/);
    await expectError(await tts(server.url, { text: 'Hi.', speed: 2 }), 400, /unknown field 'speed'/);
    await expectError(await tts(server.url, { text: '★★★' }), 400, /cannot say that: nothing speakable/);
    await expectError(await tts(server.url, JSON.stringify({ text: 'x'.repeat(70_000) })), 413, /over the limit of 65536/);
    await expectError(await fetch(`${server.url}/api/tts`), 405, /GET is not allowed on \/api\/tts \(use POST\)/);
    await expectError(await fetch(`${server.url}/nowhere`), 404, /no such path \/nowhere/);
    const ok = await tts(server.url, { text: 'Still here.' });
    expect(ok.status).toBe(200);
    expect(decodeWav(withKnownSizes(Buffer.from(await ok.arrayBuffer())), 'ok').channels[0].length).toBeGreaterThan(1600);
  });

  it('100 concurrent requests, 10 of them bad: each gets its own right answer, the server stays up', async () => {
    // Every tenth request is bad, each in its own way.
    const BAD = [
      { body: { text: '' }, type: 'application/json', status: 400, error: /'text' is empty/ },
      { body: { text: 'Hi.', voice: 'nobody' }, type: 'application/json', status: 404, error: /unknown voice 'nobody'/ },
      { body: '{"text": ', type: 'application/json', status: 400, error: /body is not JSON/ },
      { body: { text: 'Hi.' }, type: 'text/plain', status: 415, error: /content type must be application\/json/ },
      { body: { text: 'word '.repeat(500) }, type: 'application/json', status: 400, error: /2500 characters; the limit is 2000/ },
    ];
    const requests = Array.from({ length: 100 }, (_, i) =>
      i % 10 === 3 ? BAD[Math.floor(i / 10) % BAD.length] : { body: { text: `Request number ${i} is here.` }, type: 'application/json', status: 200, error: undefined },
    );
    const health0 = await (await fetch(`${server.url}/health`)).json();
    const answers = await Promise.all(requests.map(async (r) => {
      const res = await tts(server.url, r.body, r.type);
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    }));
    expect(requests.filter((r) => r.status !== 200)).toHaveLength(10);
    answers.forEach((a, i) => {
      const r = requests[i];
      expect(a.status).toBe(r.status);
      if (r.error) {
        expect(a.type).toMatch(/^application\/json/);
        expect(JSON.parse(a.body.toString()).error).toMatch(r.error);
      } else {
        expect(a.type).toBe('audio/wav');
        const n = decodeWav(withKnownSizes(a.body), `answer ${i}`).channels[0].length;
        expect(n).toBeGreaterThan(1600);
        expect(n).toBeLessThanOrEqual(MAX_PIECE_SAMPLES);
      }
    });
    const before = health0;
    const after = await (await fetch(`${server.url}/health`)).json();
    expect(after).toMatchObject({ status: 'ok', voices: ['tiny'], inFlight: 0 });
    // 90 one-sentence requests arrived together: they were spoken in shared decoder batches.
    expect(after.spoken.pieces - before.spoken.pieces).toBe(90);
    expect(after.spoken.batches - before.spoken.batches).toBeLessThanOrEqual(30);
    // Nothing was left behind: as many live tensors as before the hundred requests.
    expect(after.tensors).toBe(before.tensors);
  }, 120_000);

  it('cannot start: no voice, a damaged voice file, the port taken — one line each, exit 2', () => {
    const serve = (args: string[]) => spawnSync(process.execPath, [CLI, 'serve', ...args], { encoding: 'utf8' });
    const none = serve([]);
    expect([none.status, none.stderr]).toEqual([2, 'vcpipe serve: no voice: give --voice NAME.voice or --pipeline P (see vcpipe serve --help)\n']);
    const damaged = join(v.root, 'damaged.voice');
    writeFileSync(damaged, readFileSync(v.voiceFile).subarray(0, 4096));
    const bad = serve(['--voice', damaged]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^vcpipe serve: ${damaged}: truncated: part \\S+ (is missing|has \\d+ of \\d+ bytes)\n$`));
    const port = new URL(server.url).port;
    const taken = serve(['--voice', v.voiceFile, '--port', port]);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(new RegExp(`vcpipe serve: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE\n$`));
  });

  it('binds 127.0.0.1 only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(server.url).port);
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return; // this machine has no other address to try
    const refused = await new Promise<boolean>((done) => {
      const s = connect(port, external.address);
      s.on('connect', () => {
        s.destroy();
        done(false);
      });
      s.on('error', () => done(true));
    });
    expect(refused).toBe(true);
  });
});

describe('vcpipe serve under load and at shutdown', () => {
  it('serves a pipeline\'s newest voice from its cache beside a voice file; requests pick the voice', async () => {
    const second = join(v.root, 'second.voice');
    copyFileSync(v.voiceFile, second);
    const s = await startServer(['--pipeline', v.pipeline, '--cache', v.cache, '--voice', second, '--max-frames', String(MAX_FRAMES)]);
    try {
      const { voices } = await (await fetch(`${s.url}/api/voices`)).json();
      expect(voices.map((x: { name: string }) => x.name)).toEqual(['second', 'tiny']);
      expect(voices[1]).toMatchObject({ vocoder: 'griffin-lim-ssrn', card: { name: 'tiny', speaker: 'synthetic', steps: { text2mel: 2, ssrn: 2 }, heldoutWer: 0.25, source: { pipeline: 'tiny.yaml' } } });
      for (const name of ['tiny', 'second']) {
        const res = await tts(s.url, { text: 'Which voice is this?', voice: name });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-voice')).toBe(name);
        expect(decodeWav(withKnownSizes(Buffer.from(await res.arrayBuffer())), name).channels[0].length).toBeGreaterThan(1600);
      }
    } finally {
      s.child.kill('SIGKILL');
    }
  }, 60_000);

  it('more requests than --max-in-flight: the rest get 503 with Retry-After', async () => {
    const small = await startServer(['--voice', v.voiceFile, '--max-frames', String(MAX_FRAMES), '--max-in-flight', '2']);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => tts(small.url, { text: 'One more sentence. And another.' })));
      const busy = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(busy.length).toBeGreaterThanOrEqual(1);
      expect(busy.length + answers.filter((a) => a.status === 200).length).toBe(8);
      expect(busy[0].headers.get('retry-after')).toBe('1');
      await expectError(busy[0], 503, /busy: 2 requests in flight \(limit 2\)/);
      await Promise.all(answers.map((a) => (a.bodyUsed ? undefined : a.arrayBuffer())));
    } finally {
      small.child.kill('SIGKILL');
    }
  }, 60_000);

  it('SIGTERM: stops accepting, finishes the request in flight, exits 0', async () => {
    const s = await startServer(['--voice', v.voiceFile, '--max-frames', String(MAX_FRAMES)]);
    const res = await tts(s.url, { text: 'First part. Second part. Third part. Fourth part.' });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read(); // the first sentence is out; three are still to come
    s.child.kill('SIGTERM');
    const chunks = [first.value!];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    const audio = decodeWav(withKnownSizes(concat(chunks)), 'in flight');
    expect(audio.channels[0].length).toBeGreaterThan(3 * PAUSE_SAMPLES + 4 * 1600);
    expect(await s.exited).toBe(0);
    expect(s.stderr).toContain('vcpipe serve: SIGTERM: finishing 1 request(s) in flight');
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  }, 60_000);
});
