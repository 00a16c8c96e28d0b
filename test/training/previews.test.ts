// Which checkpoints are previewed, and the preview SSRN checked before training. (Speaking the
// previews is test/steps/train-preview.test.ts, on a real training run.)
import { describe, expect, it } from 'vitest';
import { Previews } from '../../src/training/previews.ts';
import { UserError } from '../../src/errors.ts';
import { makeContext } from '../helpers/make-context.ts';

describe('previews', () => {
  const ctx = makeContext({}, { inputs: { features: '/f', vocoder: '/v' } });

  it('are due every preview_every-th checkpoint, never without sentences', () => {
    const every3 = new Previews(ctx, { preview: ['Hi.'], previewEvery: 3 });
    expect([1, 2, 3, 4, 5, 6].filter((n) => every3.due(n))).toEqual([3, 6]);
    const none = new Previews(ctx, { preview: [], previewEvery: 1 });
    expect([1, 2, 3].some((n) => none.due(n))).toBe(false);
  });

  it('refuse a preview_ssrn that is not among the needs', () => {
    expect(() => new Previews(ctx, { preview: ['Hi.'], previewEvery: 1, previewSsrn: 'ssrn' })).toThrow(new UserError("preview_ssrn: 'ssrn' is not among this step's needs (features, vocoder)"));
    expect(() => new Previews(ctx, { preview: ['Hi.'], previewEvery: 1, previewSsrn: 'vocoder' })).not.toThrow();
  });
});
