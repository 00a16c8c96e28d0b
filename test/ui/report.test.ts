import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** Steps at which the fixture's training wrote an alignment picture: 8, 16, …, 160. */
const STEPS = Array.from({ length: 20 }, (_, i) => 8 * (i + 1));

function fixtureRun(): ReportInput {
  const rows = 24;
  const cols = 60;
  const alignments = STEPS.map((step) => {
    const matrix = new Float32Array(rows * cols);
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) matrix[r * cols + c] = Math.exp(-((r - (c * rows) / cols) ** 2) * (step / 40));
    const path = join(dir, `alignment-step-${step}.png`);
    writeAlignmentPng(path, matrix, rows, cols, { title: 'Text2Mel alignment', step });
    return path;
  });
  const loss = join(dir, 'loss.png');
  const curve = (a: number) => Array.from({ length: 40 }, (_, i) => ({ step: i * 250, value: a * Math.exp(-i / 15) + 0.05 }));
  writeLossCurvesPng(loss, { loss: curve(2), l1: curve(1), bd: curve(0.5) }, { title: 'Text2Mel loss' });
  // A picture with no SVG beside it (an older run's) is inlined as its PNG.
  const preview = join(dir, 'preview.png');
  writeFileSync(preview, PNG.sync.write(Object.assign(new PNG({ width: 3, height: 2 }), { data: Buffer.alloc(24, 200) })));
  const model = join(dir, 'model-1.wav');
  writeSineWav(model, 1.5);
  const teacher = join(dir, 'teacher-1.wav');
  writeSineWav(teacher, 2, 16000, 220);
  const said = 'Printing, in the only sense <with which> we are concerned';
  return {
    pipeline: 'ljspeech-small',
    state: 'succeeded',
    startedAt: Date.UTC(2026, 0, 1, 9, 30),
    evaluations: [
      {
        step: 'judge',
        summary: { sentences: 1, wer: 0.4375, reference_wer: 0.125, seconds_per_char: 0.071, silence_share: 0.02, clipping_share: 0 },
        similarity: { f0Semitones: { target: 0.8, base: 6.1 }, cepstralDistance: { target: 3.2, base: 5.4 }, closerToTarget: true },
        sentences: [{ text: said, heard: 'printing in the only since', wer: 0.4375, teacherHeard: 'printing in the only sense with which we are concerned', teacherWer: 0, audio: model, teacherAudio: teacher }],
      },
    ],
    steps: [
      { name: 'corpus', kind: 'ljspeech', state: 'cached', metrics: {}, images: [], audios: [] },
      // Pictures listed in name order, as a directory listing gives them (step 104 before step 16).
      { name: 'text2mel', kind: 'train-text2mel', state: 'succeeded', seconds: 3212.4, metrics: { loss: 0.4965, l1: 0.284, lr: 0.0002, diagonality: 0.91 }, images: [...alignments].sort().concat(loss), audios: [] },
      { name: 'speak', kind: 'synthesize', state: 'succeeded', seconds: 4.6, metrics: { rtf: 0.3 }, images: [preview], audios: [{ path: model, label: said }] },
    ],
  };
}

/**
 * Loads the page in a 1280 px wide headless Chromium with a probe that lists the drawn size of each
 * chart (every <details> opened), image sizes, audio durations and the page's width.
 */
function probeInChromium(page: string): { svgs: [number, number][]; imgs: string[]; audio: (number | string)[]; pageWidth: number } {
  const probe = page.replace(
    '</body>',
    `<script>
addEventListener('load', () => {
  const pageWidth = document.documentElement.scrollWidth;
  document.querySelectorAll('details').forEach((d) => (d.open = true));
  const svgs = [...document.querySelectorAll('figure svg')].map((s) => [s.getBoundingClientRect().width, s.getBoundingClientRect().height]);
  const imgs = [...document.images].map((i) => i.naturalWidth + 'x' + i.naturalHeight);
  const audio = [...document.querySelectorAll('audio')].map((a) => new Promise((done) => {
    a.onloadedmetadata = () => done(a.duration);
    a.onerror = () => done('error');
    a.preload = 'metadata';
    a.load();
  }));
  Promise.all(audio).then((durations) => {
    const out = document.createElement('pre');
    out.id = 'probe';
    out.textContent = JSON.stringify({ svgs, imgs, audio: durations, pageWidth });
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
    '--window-size=1280,2000',
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
  /** Steps of the alignment pictures in page order: the five shown, then those behind the click. */
  const stepsInPage = (html: string) => [...html.matchAll(/<figcaption>alignment-step-(\d+)\.png<\/figcaption>/g)].map((m) => Number(m[1]));

  it('is one self-contained page: no links or sources outside it', () => {
    const outside = page.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '');
    expect(outside).not.toMatch(/(src|href)="(?!data:)/);
    expect(outside).not.toMatch(/https?:\/\//);
    expect(page.match(/<svg /g)).toHaveLength(STEPS.length + 1); // the alignments and the loss chart
    expect(page.match(/<img src="data:image\/png;base64,/g)).toHaveLength(1); // the preview, which has no SVG
    expect(page.match(/<audio controls preload="none" src="data:audio\/wav;base64,/g)).toHaveLength(2);
  });

  it('shows the evaluation first: WER beside the teacher\'s, speaker similarity, and each sentence with what was heard and both voices', () => {
    const evaluation = page.indexOf('<section class="evaluation"');
    expect(evaluation).toBeGreaterThan(0);
    expect(evaluation).toBeLessThan(page.indexOf('<h2>Steps</h2>'));
    expect(evaluation).toBeLessThan(page.indexOf('<figure>'));
    expect(page).toContain('<span class="value">0.438</span><span class="label">word error rate of the model</span>');
    expect(page).toContain('<span class="value">0.125</span><span class="label">the teacher\'s, same recogniser and sentences</span>');
    expect(page).toContain('closer to the target speaker');
    expect(page).toMatch(/<td class="said"><div class="text">Printing, in the only sense &#60;with which&#62; we are concerned<\/div><div class="heard"><span class="who">model heard<\/span> <q>printing in the only since<\/q> <span class="wer">WER 0.44<\/span><\/div><div class="heard"><span class="who">teacher heard<\/span>/);
    const row = page.slice(page.indexOf('<td class="said">'), page.indexOf('</tr>', page.indexOf('<td class="said">')));
    expect(row.match(/<audio /g)).toHaveLength(2);
    // The model's audio is not repeated under its synthesize step.
    expect(page).toContain('Its sentences are in the evaluation table above.');
  });

  it('lists the steps with their states, times and final metrics', () => {
    expect(page).toContain('<tr><td>text2mel</td><td>train-text2mel</td><td class="state succeeded">succeeded</td><td class="num">53 min 32 s</td>');
    expect(page).toContain('<tr><td>corpus</td><td>ljspeech</td><td class="state cached">cached</td><td class="num">—</td>');
    expect(page).toContain('<span class="metric"><span class="name">lr</span> 2.000e-4</span>');
  });

  it('orders the pictures by step: first, three between and last shown, the rest behind a click', () => {
    const shown = page.slice(page.indexOf('<section><h2>text2mel'), page.indexOf('<details'));
    expect(stepsInPage(shown)).toEqual([8, 48, 88, 120, 160]);
    const hidden = page.slice(page.indexOf('<details'), page.indexOf('</details>'));
    expect(hidden).toContain('<summary>the other 15 of 20 alignment-step-N.png, in order</summary>');
    expect(stepsInPage(hidden)).toEqual(STEPS.filter((s) => ![8, 48, 88, 120, 160].includes(s)));
    // The loss chart, a single picture, comes before the series.
    expect(page.indexOf('<figcaption>loss.png')).toBeLessThan(page.indexOf('<figcaption>alignment-step-8.png'));
  });

  it('gives each inlined chart its own ids', () => {
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(STEPS.length); // a colour legend's gradient per alignment
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, ref] of page.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
  });

  it('renders in headless Chromium at 1280 px: charts drawn, audio playable, nothing wider than the window', { timeout: 120_000 }, () => {
    const result = probeInChromium(page);
    expect(result.svgs).toHaveLength(STEPS.length + 1);
    // Two to a row (a series) or one (the loss chart): never shrunk to a thumbnail.
    for (const [w, h] of result.svgs) expect(Math.min(w, h)).toBeGreaterThan(130);
    expect(result.imgs).toEqual(['3x2']);
    expect(result.audio).toHaveLength(2);
    expect(result.audio[0]).toBeCloseTo(1.5, 2);
    expect(result.audio[1]).toBeCloseTo(2, 2);
    expect(result.pageWidth).toBeLessThanOrEqual(1280);
  });
});

describe('pictures in folders of their own', () => {
  it('are named by their path inside the step and ordered by the numbers in it', () => {
    const step = mkdtempSync(join(tmpdir(), 'vcpipe-report-previews-'));
    const png = PNG.sync.write(Object.assign(new PNG({ width: 2, height: 2 }), { data: Buffer.alloc(16, 90) }));
    const images = [1000, 500, 10000].map((n) => {
      const path = join(step, 'previews', `step-${n}`, 'plots', 's01.alignment.png');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, png);
      return path;
    });
    const path = join(step, 'report.html');
    writeReport(path, { pipeline: 'p', evaluations: [], steps: [{ name: 't', kind: 'train-text2mel', state: 'succeeded', metrics: {}, images, audios: [] }] });
    const captions = [...readFileSync(path, 'utf8').matchAll(/<figcaption>([^<]+)<\/figcaption>/g)].map((m) => m[1]);
    expect(captions).toEqual(['step-500/plots/s01.alignment.png', 'step-1000/plots/s01.alignment.png', 'step-10000/plots/s01.alignment.png']);
  });
});
