import { describe, it, expect } from 'vitest';
import { learningRate, linearDecayLearningRate, noamLearningRate } from '../../src/models/schedule.ts';

const curve = (f: (step: number) => number, total: number) => Array.from({ length: total }, (_, s) => f(s));

describe('linear-decay learning rate', () => {
  const lr0 = 2e-3, warmup = 10, total = 50;
  const lrs = curve((s) => linearDecayLearningRate(s, lr0, warmup, total), total);

  it('ramps up linearly to η0 over the warm-up, as Noam does', () => {
    for (let s = 0; s < warmup; s++) expect(lrs[s]).toBeCloseTo(noamLearningRate(s, lr0, warmup), 12);
    expect(lrs[warmup - 1]).toBeCloseTo(lr0, 12);
  });

  it('then falls on a straight line to zero at the step budget', () => {
    expect(lrs[warmup]).toBeCloseTo(lr0, 12);
    const drop = lrs[warmup] - lrs[warmup + 1];
    expect(drop).toBeCloseTo(lr0 / (total - warmup), 12);
    for (let s = warmup + 1; s < total; s++) expect(lrs[s - 1] - lrs[s]).toBeCloseTo(drop, 12);
    expect(lrs[total - 1]).toBeCloseTo(lr0 / (total - warmup), 12);
    expect(linearDecayLearningRate(total, lr0, warmup, total)).toBe(0);
    // Past the budget (a run resumed beyond it) it stays at zero, never negative.
    expect(linearDecayLearningRate(total + 7, lr0, warmup, total)).toBe(0);
  });

  it('ends where Noam has only decayed to sqrt(warmup / total) of its peak', () => {
    const noamEnd = noamLearningRate(total - 1, lr0, warmup);
    expect(noamEnd).toBeCloseTo(lr0 * Math.sqrt(warmup / total), 12);
    expect(lrs[total - 1]).toBeLessThan(noamEnd / 5);
  });

  it('learningRate picks the schedule by name, noam by default', () => {
    for (const s of [0, 9, 10, 30, 49]) {
      expect(learningRate('noam', s, lr0, warmup, total)).toBe(noamLearningRate(s, lr0, warmup));
      expect(learningRate('linear-decay', s, lr0, warmup, total)).toBe(linearDecayLearningRate(s, lr0, warmup, total));
    }
  });

  it('a budget no longer than the warm-up decays to zero right after it', () => {
    expect(linearDecayLearningRate(4, lr0, 5, 5)).toBeCloseTo(lr0, 12);
    expect(linearDecayLearningRate(5, lr0, 5, 5)).toBe(0);
  });
});
