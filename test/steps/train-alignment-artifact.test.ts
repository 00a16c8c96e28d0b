// Training announces its latest attention alignment as numbers the dashboard can draw.
import { describe, it, expect, beforeAll } from 'vitest';
import { trainText2Mel } from '../../src/steps/train-text2mel.ts';
import { selectBackend } from '../../src/models/backend.ts';
import { readAlignmentMatrix } from '../../src/ui/dashboard/alignment-file.ts';
import { shadeAlignment } from '../../src/ui/dashboard/heatmap.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { writeSyntheticFeatures } from './train-fixtures.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('train-text2mel alignment artifact', () => {
  it('writes the validation alignment as a matrix the dashboard heatmap reads', async () => {
    const features = writeSyntheticFeatures(makeTempDir('feat-'), { utterances: 8 });
    const ctx = makeContext({ config: { base: 'tiny', e: 16, d: 16 }, steps: 2, batch_size: 4, validation: 2, plot_every: 1 }, { outDir: makeTempDir('align-'), inputs: { features } });
    await trainText2Mel.run(ctx);
    const path = ctx.artifacts.find((p) => p.endsWith('alignment-latest.json'));
    expect(path).toBeDefined();
    const m = readAlignmentMatrix(path!);
    expect(m.rows).toBeGreaterThan(1);
    expect(m.cols).toBeGreaterThan(1);
    // Attention is a softmax over text positions: each frame's column sums to 1.
    for (let t = 0; t < m.cols; t++) {
      let sum = 0;
      for (let n = 0; n < m.rows; n++) sum += m.data[n * m.cols + t];
      expect(sum).toBeCloseTo(1, 2);
    }
    expect(shadeAlignment(m, 40, 12).length).toBeGreaterThan(0);
  });
});
