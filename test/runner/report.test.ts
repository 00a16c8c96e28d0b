// `vcpipe report` through the real CLI: the last run's states, times, final metrics and plots.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcpipe } from './cli-helpers.ts';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TRAIN = [
  "const fs=require('fs'); fs.mkdirSync('plots'); fs.writeFileSync('plots/loss.png', Buffer.from(process.argv[1], 'base64'));",
  "for (const step of [104, 8, 16]) fs.writeFileSync('plots/alignment-step-' + step + '.png', Buffer.from(process.argv[1], 'base64'));",
  "fs.writeFileSync('metrics.jsonl', JSON.stringify({step:1,loss:2.5,lr:0.001})+'\\n'+JSON.stringify({step:2,loss:1.25})+'\\n')",
].join(' ');

const PIPELINE = `name: reported
steps:
  prepare:
    kind: shell
    with: { run: [node, -e, "require('fs').writeFileSync('x', '1')"], outputs: [x] }
  train:
    kind: shell
    needs: [prepare]
    with: { run: [node, -e, ${JSON.stringify(TRAIN)}, ${PNG_1X1}], outputs: [metrics.jsonl] }
`;

// The evaluate step judging a stand-in for a model: `speak` hands the teacher's own flite WAVs over
// as its synthesis, so the recogniser's answers are known to be good.
const SPEAK = [
  "const fs=require('fs'), p=require('path'); const dir=process.argv[1];",
  "const c=JSON.parse(fs.readFileSync(p.join(dir,'corpus.json'),'utf8')); fs.mkdirSync('wavs');",
  "const sentences=c.utterances.map((u,i)=>{const wav='wavs/s'+i+'.wav'; fs.copyFileSync(p.resolve(dir,u.audio),wav); return {id:'s'+i,text:u.text,wav,seconds:u.duration,frames:0};});",
  "fs.writeFileSync('synthesis.json', JSON.stringify({kind:'synthesis',speaker:'stand-in',sampleRate:16000,sentences,failed:[]}));",
].join(' ');

const JUDGED = `name: judged
steps:
  teacher:
    kind: speech-corpus
    with: { engine: flite, voice: rms, sentences: sentences.txt }
  speak:
    kind: shell
    needs: [teacher]
    with: { run: [node, -e, ${JSON.stringify(SPEAK)}, "\${inputs.teacher}"], outputs: [synthesis.json] }
  judge:
    kind: evaluate
    needs: [speak, teacher]
    with: { synthesis: speak, reference: teacher }
`;

describe('vcpipe report', { timeout: 120_000 }, () => {
  it("shows an evaluate step's results first, each sentence with the model's and the teacher's audio", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-report-judged-'));
    writeFileSync(join(dir, 'p.yaml'), JUDGED);
    writeFileSync(join(dir, 'sentences.txt'), 'The quick brown fox jumps over the lazy dog.\nPlease open the window before the sun goes down.\n');
    const run = await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    expect(run.exitCode, run.all).toBe(0);
    const r = await vcpipe(dir, ['report', 'p.yaml']);
    expect(r.exitCode, r.all).toBe(0);
    const html = readFileSync(r.stdout.trim(), 'utf8');
    const evaluation = html.indexOf('<section class="evaluation" id="evaluation-judge">');
    expect(evaluation).toBeGreaterThan(0);
    expect(evaluation).toBeLessThan(html.indexOf('<h2>Steps</h2>'));
    const wers = [...html.matchAll(/<span class="value">([\d.]+)<\/span><span class="label">(word error rate of the model|the teacher's[^<]*)</g)].map((m) => Number(m[1]));
    expect(wers).toHaveLength(2);
    expect(wers[0]).toBe(wers[1]); // the same WAVs, heard the same
    expect(wers[0]).toBeLessThan(0.35);
    const rows = [...html.matchAll(/<tr><td class="num">\d<\/td><td class="said">(.*?)<\/tr>/g)].map((m) => m[1]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatch(/<span class="who">model heard<\/span> <q>[a-z' ]+<\/q>/);
      expect(row).toMatch(/<span class="who">teacher heard<\/span>/);
      // The model's WAV and the teacher's: here the same bytes.
      const players = [...row.matchAll(/<audio controls preload="none" src="(data:audio\/wav;base64,[^"]+)"/g)].map((m) => m[1]);
      expect(players).toHaveLength(2);
      expect(players[0]).toBe(players[1]);
    }
  });


  it('writes a self-contained page of the last run and prints its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-report-'));
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const none = await vcpipe(dir, ['report', 'p.yaml']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("no run of 'reported' recorded");

    const run = await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    expect(run.exitCode, run.all).toBe(0);
    const r = await vcpipe(dir, ['report', 'p.yaml']);
    expect(r.exitCode, r.all).toBe(0);
    const path = join(dir, 'cache/reports/reported.html');
    expect(r.stdout.trim()).toBe(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/<td>train<\/td><td>shell<\/td><td class="state succeeded">succeeded<\/td><td class="num">\d+\.\d s<\/td>/);
    expect(html).toContain('<td class="metrics"><span class="metric"><span class="name">loss</span> 1.25</span> <span class="metric"><span class="name">lr</span> 0.001</span></td>');
    expect(html).toContain(`<img src="data:image/png;base64,${PNG_1X1}" alt="loss.png">`);
    // Pictures in step order, not name order (alignment-step-104 sorts before -16 by name).
    expect([...html.matchAll(/alt="alignment-step-(\d+)\.png"/g)].map((m) => Number(m[1]))).toEqual([8, 16, 104]);

    // Rerun: both cached; the published entry still gives the metrics and the plot.
    await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    const again = await vcpipe(dir, ['report', 'p.yaml', '--out', 'out/r.html']);
    expect(again.stdout.trim()).toBe(join(dir, 'out/r.html'));
    const cachedHtml = readFileSync(join(dir, 'out/r.html'), 'utf8');
    expect(cachedHtml).toContain('<td class="state cached">cached</td><td class="num">—</td>');
    expect(cachedHtml).toContain('<span class="name">loss</span> 1.25</span>');
    expect(cachedHtml).toContain('alt="loss.png"');
    expect(existsSync(path)).toBe(true);
  });
});
