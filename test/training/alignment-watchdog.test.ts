import { describe, expect, it } from 'vitest';
import { AlignmentWatchdog } from '../../src/training/alignment-watchdog.ts';
import { UserError } from '../../src/errors.ts';

function watchdog(onNoAlignment: 'warn' | 'stop') {
  const warnings: string[] = [];
  return { warnings, dog: new AlignmentWatchdog({ alignBy: 100, onNoAlignment, warn: (m) => warnings.push(m) }) };
}

describe('alignment watchdog', () => {
  it('is quiet before align_by and while attention is diagonal', () => {
    const { warnings, dog } = watchdog('stop');
    dog.check(99, 0.1);
    dog.check(100, 0.5);
    dog.check(500, 0.9);
    expect(warnings).toEqual([]);
  });

  it('warns once when attention is not diagonal by align_by', () => {
    const { warnings, dog } = watchdog('warn');
    dog.check(100, 0.2);
    dog.check(150, 0.1);
    expect(warnings).toEqual([
      'attention is not diagonal by step 100 (diagonality 0.20 < 0.5, align_by 100): lower the learning rate (lr), check that the transcripts match the audio, or use shorter clips',
    ]);
  });

  it('with on_no_alignment: stop, ends the run with the same advice', () => {
    const { warnings, dog } = watchdog('stop');
    expect(() => dog.check(120, 0.3)).toThrow(UserError);
    expect(() => dog.check(120, 0.3)).toThrow(/^attention is not diagonal by step 120 \(diagonality 0\.30 < 0\.5, align_by 100\)/);
    expect(warnings).toEqual([]);
  });
});
