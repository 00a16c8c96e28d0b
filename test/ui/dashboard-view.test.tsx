import { describe, it, expect } from 'vitest';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { Dashboard } from '../../src/ui/dashboard/view.tsx';
import { applyEvent } from '../../src/ui/dashboard/state.ts';
import { loadFixtureEvents, foldEvents, midTrainingCount, FIXTURE_PROJECT } from './fixture-events.ts';

const events = loadFixtureEvents();

function frame(count: number, width: number, interrupts = 0): string[] {
  let state = foldEvents(events.slice(0, count));
  for (let i = 0; i < interrupts; i++) state = applyEvent(state, { type: 'interrupt' });
  const view = render(<Dashboard state={state} width={width} cwd={FIXTURE_PROJECT} />);
  const lines = stripVTControlCharacters(view.lastFrame() ?? '').split('\n');
  view.unmount();
  return lines;
}

describe.each([100, 80])('the dashboard at %i columns', (width) => {
  const frames = [40, midTrainingCount(events), events.length].map((count) => frame(count, width));

  it('keeps every line within the width', () => {
    for (const lines of frames) for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
  });

  it('lists the steps in DAG order with their state and duration', () => {
    const lines = frames[1];
    expect(lines[0]).toBe('vcpipe  ljspeech-small  running  27m10s');
    expect(lines.slice(1, 6)).toEqual([
      ' ○ corpus    ljspeech        cached               inputs unchanged',
      ' ✓ features  preprocess      done            30s  param changed: top_db 60 → 50',
      width === 100
        ? ' ▸ text2mel  train-text2mel  running      26m40s  resumes from checkpoint at step 2000'
        : ' ▸ text2mel  train-text2mel  running      26m40s  resumes from checkpoint at st…',
      ' ✓ ssrn      train-ssrn      done         13m20s  upstream features changed',
      ' · speak     synthesize      waiting        ~20s  upstream text2mel changed',
    ]);
  });

  it('shows the running step with progress, rate, ETA, losses, lr, diagonality and a sparkline', () => {
    const lines = frames[1];
    const progress = lines.find((l) => l.startsWith(' text2mel  █'))!;
    expect(progress).toMatch(/░ {2}60% {2}6000\/10000 steps · 2\.5 steps\/s · ETA 26m40s$/);
    expect(lines.some((l) => l.startsWith('   loss 0.4965  l1 0.284  bd 0.206  att 0.006576'))).toBe(true);
    expect(lines.some((l) => l.startsWith('   lr 2.00e-4  diag 0.7739'))).toBe(true);
    expect(lines.some((l) => l.startsWith('   loss ██▇▇▇▇▆▆▆▅▅▅▅▅▄▄▄▄▄▃▃▃▃▃▃▂▂▂▂▂▂▂▂▂▁▁▁▁▁'))).toBe(true);
    expect(lines.some((l) => l.includes('warning: attention not diagonal yet'))).toBe(true);
    expect(lines.at(-1)).toBe('q: stop');
  });

  it('draws the latest alignment as a 12-line heatmap, brightest on the diagonal', () => {
    const heat = frames[1].filter((l) => l.includes('│')).map((l) => l.slice(l.indexOf('│') + 1));
    expect(heat).toHaveLength(12);
    // Bottom line: first text positions, first frames; top line: last positions, last frames.
    expect(heat[11].indexOf('█')).toBe(0);
    expect(heat[0].trimEnd().endsWith('█')).toBe(true);
    expect(heat[0].startsWith(' '.repeat(20))).toBe(true);
  });

  it('shows two training steps side by side early in training', () => {
    const lines = frames[0];
    expect(lines.some((l) => /^ text2mel {2}█*░+ {2}21% {2}2100\/10000 steps$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ ssrn {2}█*░+ {3}5% {2}200\/4000 steps · 5\.0 steps\/s · ETA 12m40s$/.test(l))).toBe(true);
  });

  it('ends with the final state and the artifact paths', () => {
    const lines = frames[2];
    const summary = lines.slice(lines.indexOf('Run succeeded in 53m55s'));
    expect(summary).toEqual([
      'Run succeeded in 53m55s',
      'Artifacts',
      '   checkpoints cache/ssrn/77d2f1/checkpoints/step-4000.ckpt',
      '               cache/text2mel/4be07a/checkpoints/step-6000.ckpt',
      '               cache/text2mel/4be07a/checkpoints/step-8000.ckpt',
      '               cache/text2mel/4be07a/checkpoints/step-10000.ckpt',
      '               … and 2 earlier',
      '   audio       out/speak/sentence-1.wav',
      '               out/speak/sentence-2.wav',
      '               out/speak/sentence-3.wav',
      '   images      cache/text2mel/4be07a/loss.png',
      '               out/speak/sentence-1.png',
      '               out/speak/sentence-2.png',
      '               out/speak/sentence-3.png',
      '               … and 4 earlier',
      '   files       cache/features/9c1e4b/features.json',
    ]);
    expect(lines).toContain('warning  text2mel: attention not diagonal yet: diagonality 0.39 at step 3000');
    expect(lines.some((l) => l.includes('│'))).toBe(false);
  });
});

describe('the summary of a long run', () => {
  it('counts the artifacts the bounded state let go among the earlier ones', () => {
    const state = { ...foldEvents(events), earlierArtifacts: { image: 37 } };
    const view = render(<Dashboard state={state} width={100} cwd={FIXTURE_PROJECT} />);
    const lines = stripVTControlCharacters(view.lastFrame() ?? '').split('\n');
    view.unmount();
    expect(lines).toContain('               … and 41 earlier');
    expect(lines).toContain('               … and 2 earlier');
  });
});

describe('the dashboard after a stop request', () => {
  it('says it is saving a checkpoint, then that it stops now', () => {
    expect(frame(midTrainingCount(events), 100, 1).at(-1)).toBe('Stopping: saving a checkpoint… press q again to stop now');
    expect(frame(midTrainingCount(events), 100, 2).at(-1)).toBe('Stopping now…');
  });
});

describe('a failed run', () => {
  it('shows the failing step in red with its error and log file', () => {
    const count = midTrainingCount(events);
    const time = events[count - 1].time + 1000;
    const failed = [
      ...events.slice(0, count),
      { type: 'step', step: 'text2mel', state: 'failed', error: 'NaN loss at step 6012\n  at train', log: `${FIXTURE_PROJECT}/logs/text2mel.log`, time },
      { type: 'run', state: 'failed', pipeline: 'ljspeech-small', message: '1 step failed', time },
    ] as const;
    const state = foldEvents([...failed]);
    const view = render(<Dashboard state={state} width={80} cwd={FIXTURE_PROJECT} />);
    const lines = stripVTControlCharacters(view.lastFrame() ?? '').split('\n');
    expect(lines[3]).toBe(' ✗ text2mel  train-text2mel  failed       26m41s  NaN loss at step 6012');
    expect(lines).toContain('Run failed in 27m11s — 1 step failed');
    expect(lines).toContain('   text2mel: NaN loss at step 6012 (log: logs/text2mel.log)');
  });
});
