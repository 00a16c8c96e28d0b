// Raising a real training step's budget through the CLI continues its published checkpoints
// (the entry's hard-linked copy must keep each checkpoint's own manifest.json).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, vcpipe } from './cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from './tone-corpus.ts';

const PIPELINE = toneText2MelPipeline('budget', { steps: 3, checkpoint_every: 3, log_every: 3 });

describe('raising a training budget', { timeout: 180_000 }, () => {
  it('resumes from the published checkpoint instead of starting again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-budget-train-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    const first = await vcpipe(dir, ['run', 'p.yaml', '--json']);
    expect(first.exitCode, first.all).toBe(0);

    const second = await vcpipe(dir, ['run', 'p.yaml', '--json', '--set', 'text2mel.steps=6']);
    expect(second.exitCode, second.all).toBe(0);
    const logs = events(second.stdout).flatMap((e) => (e.type === 'log' && e.step === 'text2mel' ? [e.message] : []));
    expect(logs).toContain('resumed from checkpoints/step-0000003 (step 3)');
    const done = events(second.stdout).find((e) => e.type === 'step' && e.step === 'text2mel' && e.state === 'succeeded');
    const output = done?.type === 'step' ? done.output! : '';
    expect(JSON.parse(readFileSync(join(output, 'model.json'), 'utf8')).step).toBe(6);
    // Steps 1-3 were trained once: the continued run logs only step 6.
    expect(readFileSync(join(output, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step)).toEqual([3, 6]);
  });
});
