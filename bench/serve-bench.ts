// `vcpipe serve` and `vcpipe say` speed with a voice of the demo's architecture (pipelines/demo.yaml:
// tiny Text2Mel with maxT 96, tiny SSRN, tiny features), exported to a voice file after two real
// training steps on synthetic features. The weights' values do not change the work per frame, but
// barely trained the decoder never stops on its own, so every sentence is cut at a fixed number of
// reduced frames: FRAMES_PER_SENTENCE = what the trained demo voice speaks for a 9–10 word
// sentence (2.9 s for the fox sentence, issue 17: 2.9 s · 16000 / 200 / 4 ≈ 58).
// Measured through the real CLI in child processes:
// - say: wall and CPU seconds of `vcpipe say "The quick brown fox…" --voice demo.voice`;
// - serve, warm: time to the first audio byte and to the whole WAV of a 10-word sentence;
// - serve: sentences per second with 1, 4 and 16 clients each sending requests back to back;
// - serve: resident memory and live tensors after 50, 500 and 1,000 requests (a second server
//   with 8 frames per sentence, so the thousand take a minute).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeWav } from '../src/audio/wav.ts';
import { withKnownSizes } from '../src/serve/wav-stream.ts';
import { makeTinyVoice } from '../test/voice/tiny-voice.ts';
import { startServer, tts, type RunningServer } from '../test/serve/start-server.ts';

const CLI = resolve(import.meta.dirname, '../bin/vcpipe.js');
const FOX = 'The quick brown fox jumps over the lazy dog.';
const TEN_WORDS = 'Four hours of steady work faced us on the old farm.';
const FRAMES_PER_SENTENCE = 58;
const SENTENCES = [
  'The birch canoe slid on the smooth planks today.',
  'Glue the sheet to the dark blue background now.',
  'It is easy to tell the depth of a well.',
  'These days a chicken leg is a rare dish.',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** CPU seconds (user + sys) a process has used, from /proc (clock ticks of 1/100 s). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Wall and CPU (user + sys) seconds of one `vcpipe say`, from /usr/bin/time. */
function timeSay(voice: string, out: string): { wall: number; cpu: number; audio: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, CLI, 'say', FOX, '--voice', voice, '--out', out, '--max-frames', String(FRAMES_PER_SENTENCE)], { encoding: 'utf8' });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`say failed: ${r.stderr}`);
  const wav = decodeWav(readFileSync(out), out);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), audio: wav.channels[0].length / wav.sampleRate };
}

/** One request: ms to the first body byte (the header goes out with the first audio), ms to the end, audio seconds. */
async function timed(url: string, text: string): Promise<{ first: number; full: number; audio: number }> {
  const start = performance.now();
  const res = await tts(url, { text });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let first = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    if (!chunks.length) first = performance.now() - start;
    chunks.push(r.value);
  }
  const full = performance.now() - start;
  const wav = decodeWav(withKnownSizes(Buffer.concat(chunks)), 'response');
  return { first, full, audio: wav.channels[0].length / wav.sampleRate };
}

/** `clients` loops of back-to-back requests, `each` requests per client: sentences/s and audio s per wall s. */
async function throughput(url: string, clients: number, each: number): Promise<{ perSecond: number; rtf: number; wall: number }> {
  const start = performance.now();
  let audio = 0;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < each; i++) {
      const r = await timed(url, SENTENCES[(c + i) % SENTENCES.length]);
      audio += r.audio;
    }
  }));
  const wall = (performance.now() - start) / 1000;
  return { perSecond: (clients * each) / wall, rtf: wall / audio, wall };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const v = await makeTinyVoice({ text2mel: { base: 'tiny', maxT: 96 }, ssrn: { base: 'tiny' }, backend: 'auto' });
  const lines: string[] = [];
  let server: RunningServer | undefined;
  try {
    const voiceMiB = readFileSync(v.voiceFile).length / 2 ** 20;
    const says = [0, 1, 2].map(() => timeSay(v.voiceFile, join(v.root, 'fox.wav')));
    const say = says.sort((a, b) => a.wall - b.wall)[1];

    server = await startServer(['--voice', v.voiceFile, '--max-frames', String(FRAMES_PER_SENTENCE)]);
    for (let i = 0; i < 3; i++) await timed(server.url, TEN_WORDS); // warm-up
    const warm = [];
    const cpuBefore = cpuSeconds(server.child.pid!);
    for (let i = 0; i < 7; i++) warm.push(await timed(server.url, TEN_WORDS));
    const cpuPerRequest = ((cpuSeconds(server.child.pid!) - cpuBefore) / 7) * 1000;
    const rates = [];
    for (const [clients, each] of [[1, 8], [4, 4], [16, 2]] as const) rates.push({ clients, ...(await throughput(server.url, clients, each)) });
    server.child.kill('SIGTERM');
    await server.exited;

    server = await startServer(['--voice', v.voiceFile, '--max-frames', '8']);
    const burst = async (n: number) => {
      for (let i = 0; i < n; i += 16) await Promise.all(Array.from({ length: Math.min(16, n - i) }, (_, j) => timed(server!.url, SENTENCES[j % SENTENCES.length])));
    };
    const tensors = async () => ((await (await fetch(`${server!.url}/health`)).json()) as { tensors: number }).tensors;
    const marks: { requests: number; rss: number; tensors: number }[] = [];
    for (const [n, upTo] of [[50, 50], [450, 500], [500, 1000]] as const) {
      await burst(n);
      marks.push({ requests: upTo, rss: rssMiB(server.child.pid!), tensors: await tensors() });
    }
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    const f = (x: number, d = 2) => x.toFixed(d);
    lines.push(
      `A voice of the demo's architecture (tiny Text2Mel with maxT 96, tiny SSRN; ${f(voiceMiB, 1)} MiB voice file) after 2 training steps on synthetic features; every sentence is cut at ${FRAMES_PER_SENTENCE} reduced frames (${f((FRAMES_PER_SENTENCE * 4 * 200) / 16000, 1)} s of audio before silence trimming), what the trained demo voice speaks for the fox sentence, because a barely trained decoder does not stop on its own. All through the CLI in child processes (\`npm run bench -- serve\`); say and serve run torch on one thread (their default). The 10-word sentence is one piece, so its first audio byte and its last leave together (the header goes out with the first audio); a text of several sentences streams them one by one. Real-time factor = processing seconds ÷ audio seconds (below 1: faster than real time).`,
      '',
      `Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores — other work shared the machine, so wall times are upper bounds; CPU seconds are the steadier figure.`,
      '',
      '| measure | value | target |',
      '|---|---:|---|',
      `| \`vcpipe say "${FOX}" --voice\`: wall (median of 3) | ${f(say.wall)} s | < 1.5 s |`,
      `| … its CPU (user + sys) | ${f(say.cpu)} s | |`,
      `| … audio, real-time factor | ${f(say.audio)} s, ${f(say.wall / say.audio)} | |`,
      `| serve, warm, 10-word sentence: first audio byte (median of 7) | ${f(median(warm.map((w) => w.first)), 0)} ms | ≤ 300 ms |`,
      `| … whole WAV (median of 7) | ${f(median(warm.map((w) => w.full)), 0)} ms | |`,
      `| … server CPU per request (mean of the 7; the first byte's floor on an idle machine) | ${f(cpuPerRequest, 0)} ms | |`,
      ...rates.map((r) => `| serve, ${r.clients} client${r.clients > 1 ? 's' : ''} back to back: sentences/s (real-time factor) | ${f(r.perSecond)} (${f(r.rtf)}) | |`),
      `| serve resident memory after ${marks.map((m) => m.requests.toLocaleString('en')).join(' / ')} requests (8 frames each) | ${marks.map((m) => f(m.rss, 0)).join(' / ')} MiB | no growth |`,
      `| … live tensors at the same points (GET /health) | ${marks.map((m) => m.tensors).join(' / ')} | no growth |`,
    );
  } finally {
    server?.child.kill('SIGKILL');
    rmSync(v.root, { recursive: true, force: true });
  }
  return { title: 'Serve and say (voice files)', markdown: lines.join('\n') };
}
