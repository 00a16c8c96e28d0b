// Cache keys do not depend on where the checkout lies: the shipped pipelines read
// ../data/sentences.txt, outside their own folder, and a store shared between machines (or two
// clones on one) must find the same entries for them.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/runner/load-pipeline.ts';
import { planPipeline } from '../../src/runner/plan.ts';
import { CacheLayout } from '../../src/runner/cache-layout.ts';
import { REPO } from './cli-helpers.ts';

async function keysOf(root: string): Promise<Record<string, string>> {
  const plan = await planPipeline(await loadPipeline(join(root, 'pipelines/demo.yaml'), []), new CacheLayout(join(root, 'cache')));
  return Object.fromEntries(plan.steps.map((s) => [s.name, s.build.key]));
}

function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'vcpipe-checkout-'));
  cpSync(join(REPO, 'pipelines/demo.yaml'), join(root, 'pipelines/demo.yaml'));
  cpSync(join(REPO, 'data'), join(root, 'data'), { recursive: true });
  return root;
}

describe('cache keys across checkouts', () => {
  it('gives demo.yaml the same keys in two checkouts, and new ones when a shared input changes', async () => {
    const a = checkout();
    const b = checkout();
    const keysA = await keysOf(a);
    expect(Object.keys(keysA)).toContain('corpus');
    expect(await keysOf(b)).toEqual(keysA);

    writeFileSync(join(b, 'data/sentences.txt'), 'One new sentence.\n');
    const changed = await keysOf(b);
    expect(changed.corpus).not.toBe(keysA.corpus);
    expect(changed.text2mel).not.toBe(keysA.text2mel);
    expect(changed.heldout_teacher).toBe(keysA.heldout_teacher);
  });
});
