// `vcpipe report` through the real CLI: the last run's states, times, final metrics and plots.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcpipe } from './cli-helpers.ts';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TRAIN = [
  "const fs=require('fs'); fs.mkdirSync('plots'); fs.writeFileSync('plots/loss.png', Buffer.from(process.argv[1], 'base64'));",
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

describe('vcpipe report', { timeout: 120_000 }, () => {
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
    expect(html).toContain('<th>loss</th><th>lr</th>');
    expect(html).toContain('<td class="num">1.25</td><td class="num">0.001</td>');
    expect(html).toContain(`<img src="data:image/png;base64,${PNG_1X1}" alt="loss.png">`);

    // Rerun: both cached; the published entry still gives the metrics and the plot.
    await vcpipe(dir, ['run', 'p.yaml', '--plain']);
    const again = await vcpipe(dir, ['report', 'p.yaml', '--out', 'out/r.html']);
    expect(again.stdout.trim()).toBe(join(dir, 'out/r.html'));
    const cachedHtml = readFileSync(join(dir, 'out/r.html'), 'utf8');
    expect(cachedHtml).toContain('<td class="state cached">cached</td><td class="num">—</td>');
    expect(cachedHtml).toContain('<td class="num">1.25</td>');
    expect(cachedHtml).toContain('alt="loss.png"');
    expect(existsSync(path)).toBe(true);
  });
});
