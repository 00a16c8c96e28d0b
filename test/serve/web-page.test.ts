// The page at / in headless Chromium (Debian's, driven by puppeteer-core): the voice picker shows
// the card, typing a sentence and pressing Speak gives the <audio> element a WAV that the browser
// itself decodes, of a length the request can have produced; the download link holds the same.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { makeTinyVoice } from '../voice/tiny-voice.ts';
import { startServer, type RunningServer } from './start-server.ts';

const MAX_FRAMES = 12;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const v = await makeTinyVoice();
  server = await startServer(['--voice', v.voiceFile, '--max-frames', String(MAX_FRAMES)]);
  browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGKILL');
});

describe('the web page', () => {
  it('speaks a typed sentence into a decodable WAV, with no request leaving the server', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => void requested.push(r.url()));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.$eval('#voice', (s) => (s as HTMLSelectElement).value)).toBe('tiny');
    expect(await page.$eval('#card', (d) => d.textContent)).toMatch(/speakersynthetic.*held-out WER0\.250/);

    await page.$eval('#text', (t) => void ((t as HTMLTextAreaElement).value = ''));
    await page.type('#text', 'The birch canoe slid on the smooth planks.');
    await page.click('#speak');
    await page.waitForFunction(() => (document.getElementById('audio') as HTMLAudioElement).src.startsWith('blob:'), { timeout: 60_000 });
    expect(await page.$eval('#status', (s) => s.textContent)).toMatch(/^spoken in \d+\.\d\d s$/);

    const decoded = await page.evaluate(async () => {
      const audio = document.getElementById('audio') as HTMLAudioElement;
      const bytes = await (await fetch(audio.src)).arrayBuffer();
      const dataSize = new DataView(bytes).getUint32(40, true);
      const byteLength = bytes.byteLength; // decodeAudioData detaches the buffer
      const buffer = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(bytes);
      const link = document.getElementById('download') as HTMLAnchorElement;
      return { duration: buffer.duration, sampleRate: buffer.sampleRate, bytes: byteLength, dataSize, download: link.href === audio.src && !link.hidden };
    });
    // One sentence of at most 12 reduced frames (12 · 4 · 200 samples = 0.6 s), silence-trimmed.
    expect(decoded.duration).toBeGreaterThan(0.1);
    expect(decoded.duration).toBeLessThanOrEqual((MAX_FRAMES * 4 * 200) / 16000 + 0.01);
    // The page wrote the true sizes over the streamed 0xFFFFFFFF ones.
    expect(decoded.dataSize).toBe(decoded.bytes - 44);
    expect(decoded.bytes).toBe(44 + Math.round(decoded.duration * 16000) * 2);
    expect(decoded.download).toBe(true);
    // Everything the page loaded came from the server itself (no CDN; data: URLs are the player's own icons).
    expect(requested.filter((u) => !u.startsWith(`${server.url}/`) && !/^(blob|data):/.test(u))).toEqual([]);
  }, 120_000);

  it("shows a refused request as the server's one-line error", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.$eval('#text', (t) => void ((t as HTMLTextAreaElement).value = '★★★'));
    await page.click('#speak');
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    expect(await page.$eval('#status', (s) => s.textContent)).toMatch(/^cannot say that: nothing speakable/);
  }, 60_000);
});
