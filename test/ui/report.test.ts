import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writeReport, type ReportInput } from '../../src/ui/report.ts';
import { writeAlignmentPng, writeLossCurvesPng } from '../../src/plots/plots.ts';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'vcpipe-report-'));

/** A mono 16-bit PCM WAV of a sine tone, header written field by field. */
function writeSineWav(path: string, seconds: number, rate = 16000, hz = 440): void {
  const samples = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // channels
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  writeFileSync(path, buf);
}

function fixtureRun(): ReportInput {
  const rows = 24;
  const cols = 60;
  const matrix = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) matrix[r * cols + c] = Math.exp(-((r - (c * rows) / cols) ** 2));
  const alignment = join(dir, 'alignment.png');
  writeAlignmentPng(alignment, matrix, rows, cols, { title: 'Text2Mel alignment', step: 10000 });
  const loss = join(dir, 'loss.png');
  const curve = (a: number) => Array.from({ length: 40 }, (_, i) => ({ step: i * 250, value: a * Math.exp(-i / 15) + 0.05 }));
  writeLossCurvesPng(loss, { loss: curve(2), l1: curve(1), bd: curve(0.5) }, { title: 'Text2Mel loss' });
  const wav = join(dir, 'sentence-1.wav');
  writeSineWav(wav, 1.5);
  return {
    pipeline: 'ljspeech-small',
    state: 'succeeded',
    startedAt: Date.UTC(2026, 0, 1, 9, 30),
    steps: [
      { name: 'corpus', kind: 'ljspeech', state: 'cached', metrics: {}, images: [], audios: [] },
      { name: 'text2mel', kind: 'train-text2mel', state: 'succeeded', seconds: 3212.4, metrics: { loss: 0.4965, l1: 0.284, lr: 0.0002, diagonality: 0.91 }, images: [alignment, loss], audios: [] },
      { name: 'speak', kind: 'synthesize', state: 'succeeded', seconds: 4.6, metrics: { wer: 0.12 }, images: [], audios: [{ path: wav, label: 'Printing, in the only sense <with which> we are concerned' }] },
    ],
  };
}

/** Loads the page in headless Chromium with a probe that lists image sizes and audio durations. */
function probeInChromium(page: string): { imgs: string[]; audio: (number | string)[] } {
  const probe = page.replace(
    '</body>',
    `<script>
addEventListener('load', () => {
  const imgs = [...document.images].map((i) => i.naturalWidth + 'x' + i.naturalHeight);
  const audio = [...document.querySelectorAll('audio')].map((a) => a.readyState >= 1 ? Promise.resolve(a.duration)
    : new Promise((done) => { a.onloadedmetadata = () => done(a.duration); a.onerror = () => done('error'); }));
  Promise.all(audio).then((durations) => {
    const out = document.createElement('pre');
    out.id = 'probe';
    out.textContent = JSON.stringify({ imgs, audio: durations });
    document.body.append(out);
  });
});
</script></body>`,
  );
  const probePath = join(dir, 'probe.html');
  writeFileSync(probePath, probe);
  const dom = execFileSync(CHROMIUM, [...chromiumFlags(), '--virtual-time-budget=10000', '--dump-dom', `file://${probePath}`], {
    encoding: 'utf8',
    timeout: 90_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const found = /<pre id="probe">(.*?)<\/pre>/s.exec(dom);
  if (!found) throw new Error(`no probe output in the page:\n${dom.slice(-2000)}`);
  return JSON.parse(found[1].replace(/&quot;/g, '"'));
}

function chromiumFlags(): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${mkdtempSync(join(tmpdir(), 'vcpipe-chromium-'))}`,
  ];
}

describe('writeReport', () => {
  const path = join(dir, 'report.html');
  writeReport(path, fixtureRun());
  const page = readFileSync(path, 'utf8');

  it('is one self-contained page: no links or sources outside it', () => {
    expect(page).not.toMatch(/(src|href)="(?!data:)/);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(page.match(/<audio controls preload="metadata" src="data:audio\/wav;base64,/g)).toHaveLength(1);
  });

  it('lists the steps with their states and times, and the final metrics per step', () => {
    expect(page).toContain('<tr><td>text2mel</td><td>train-text2mel</td><td class="state succeeded">succeeded</td><td class="num">53 min 32 s</td></tr>');
    expect(page).toContain('<tr><td>corpus</td><td>ljspeech</td><td class="state cached">cached</td><td class="num">—</td></tr>');
    expect(page).toContain('<tr><th>step</th><th>loss</th><th>l1</th><th>lr</th><th>diagonality</th><th>wer</th></tr>');
    expect(page).toContain('<tr><td>text2mel</td><td class="num">0.4965</td><td class="num">0.284</td><td class="num">2.000e-4</td><td class="num">0.91</td><td class="num"></td></tr>');
    expect(page).toContain('Printing, in the only sense &#60;with which&#62; we are concerned');
  });

  it('inlines the PNG bytes unchanged', () => {
    const first = /<img src="data:image\/png;base64,([^"]+)"/.exec(page)![1];
    const png = PNG.sync.read(Buffer.from(first, 'base64'));
    expect(png.width).toBe(PNG.sync.read(readFileSync(join(dir, 'alignment.png'))).width);
  });

  it('renders in headless Chromium with its images decoded and its audio playable', { timeout: 120_000 }, () => {
    const result = probeInChromium(page);
    const sizes = ['alignment.png', 'loss.png'].map((f) => {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      return `${png.width}x${png.height}`;
    });
    expect(result.imgs).toEqual(sizes);
    expect(result.audio).toHaveLength(1);
    expect(result.audio[0]).toBeCloseTo(1.5, 2);
  });
});
