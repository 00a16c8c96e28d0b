// The shipped pipelines load, and clone.yaml's base voice is written exactly as demo.yaml's, so the
// clone reuses the demo's trained steps from the cache instead of retraining them (a budget
// changed in one file and not the other would silently train the base twice).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadPipeline } from '../../src/runner/load-pipeline.ts';

const pipelines = join(import.meta.dirname, '..', '..', 'pipelines');
const BASE_STEPS = ['corpus', 'features', 'text2mel', 'ssrn'];

describe('shipped pipelines', () => {
  it("clone.yaml's base steps equal demo.yaml's (kind, needs and params)", async () => {
    const demo = await loadPipeline(join(pipelines, 'demo.yaml'));
    const clone = await loadPipeline(join(pipelines, 'clone.yaml'));
    const pick = (p: typeof demo) => BASE_STEPS.map((name) => {
      const s = p.steps.find((x) => x.name === name);
      expect(s, `${p.file} has no step ${name}`).toBeDefined();
      return { name, kind: s!.kind, needs: s!.needs, params: s!.params };
    });
    expect(pick(clone)).toEqual(pick(demo));
    expect(clone.params.voice).toBe(demo.params.voice);
  });
});
