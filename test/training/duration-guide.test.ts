import { describe, it, expect } from 'vitest';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { symbolEnds } from '../../src/data/symbol-ends.ts';
import { guidedAttentionWeights } from '../../src/models/losses.ts';
import { guidePositions } from '../../src/training/duration-guide.ts';

/** argmin over n of W[i, t, ·] for each t. */
function argminRows(w: Float32Array, i: number, tb: number, nb: number): number[] {
  return Array.from({ length: tb }, (_, t) => {
    const row = w.subarray((i * tb + t) * nb, (i * tb + t + 1) * nb);
    return row.indexOf(Math.min(...row));
  });
}

describe('durations → guide', () => {
  // 3 phones ending at frames 2, 5 and 6, then E up to the clip's end at frame 8; batch padded to 10 × 6.
  const ends = [2, 5, 6];
  const textLen = 4, frames = 8, tb = 10, nb = 6;

  it('places each frame on the symbol spoken then, E to the clip end, and beyond it onto padding', () => {
    const pos = guidePositions(ends, textLen, frames, tb);
    expect(pos).toHaveLength(tb);
    expect(Array.from(pos.subarray(0, frames), (p) => Math.round(p) + 0)).toEqual([0, 0, 1, 1, 1, 2, 3, 3]);
    for (let t = 1; t < tb; t++) expect(pos[t]).toBeGreaterThan(pos[t - 1]);
    expect(pos[8]).toBeGreaterThan(3.5);
  });

  it('builds a [B, T′, N] guide whose minima lie on that path, narrower than the diagonal', () => {
    const positions = [guidePositions(ends, textLen, frames, tb), undefined];
    const { weights, mask } = guidedAttentionWeights([textLen, 3], [frames, 6], nb, tb, 0.2, undefined, { positions, width: 1 });
    expect(weights).toHaveLength(2 * tb * nb);
    expect(mask.every((m) => m === 1)).toBe(true);
    expect(argminRows(weights, 0, tb, nb).slice(0, frames)).toEqual([0, 0, 1, 1, 1, 2, 3, 3]);
    // Three symbols off the path costs nearly the full weight (σ 1 symbol); on it, nearly nothing.
    expect(weights[(0 * tb + 3) * nb + 4]).toBeGreaterThan(0.95);
    expect(weights[(0 * tb + 3) * nb + 1]).toBeLessThan(0.05);
  });

  it('falls back to the diagonal prior for an utterance without durations', () => {
    const guided = guidedAttentionWeights([textLen, 3], [frames, 6], nb, tb, 0.2, undefined, { positions: [guidePositions(ends, textLen, frames, tb), undefined], width: 1 });
    const diagonal = guidedAttentionWeights([textLen, 3], [frames, 6], nb, tb, 0.2);
    expect(guided.weights.subarray(tb * nb)).toEqual(diagonal.weights.subarray(tb * nb));
    expect(guided.weights.subarray(0, tb * nb)).not.toEqual(diagonal.weights.subarray(0, tb * nb));
  });
});

describe('symbolEnds: flite end times on the reduced frames', () => {
  const cfg = TINY_FEATURES; // hop 200, r 4 at 16 kHz: 0.05 s a reduced frame
  const durations = { phones: ['pau', 'hh', 'ay', 'pau', 'y', 'uw', 'pau'], ends: [0.2, 0.3, 0.45, 0.6, 0.7, 0.85, 1.0] };

  it('drops the edge pauses, subtracts the trimmed lead and divides by hop × r', () => {
    const got = symbolEnds(durations, ['hh', 'ay', 'pau', 'y', 'uw'], 0.15, 15, cfg)!;
    expect(got.map((x) => Number(x.toFixed(6)))).toEqual([3, 6, 9, 11, 14]);
  });

  it('clamps to the clip, and refuses phones that are not the symbols', () => {
    expect(symbolEnds(durations, ['hh', 'ay', 'pau', 'y', 'uw'], 0.15, 12, cfg)!.at(-1)).toBe(12);
    expect(symbolEnds(durations, ['hh', 'ay', 'y', 'uw'], 0.15, 15, cfg)).toBeUndefined();
    expect(symbolEnds(undefined, ['hh'], 0, 15, cfg)).toBeUndefined();
  });
});
