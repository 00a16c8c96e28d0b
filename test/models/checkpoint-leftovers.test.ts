// What a writer killed mid-save or mid-prune leaves in a checkpoints dir (temp dirs named by
// src/models/checkpoint.ts) is dropped by the next save, so it is never published with the entry;
// test/e2e/sigkill.test.ts found them in entries after random kills.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/models/backend.ts';
import { VarStore } from '../../src/models/layers.ts';
import { listCheckpoints, pruneCheckpoints, saveCheckpoint } from '../../src/models/checkpoint.ts';
import { useTestBackend } from './helpers.ts';

beforeAll(useTestBackend);

describe('checkpoint leftovers of a killed writer', () => {
  it('are removed by the next save; pruning leaves no temp dir behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-left-'));
    const s = new VarStore();
    s.add('Net/C_1/bias', tf.ones([4]));
    saveCheckpoint(root, 4, s.vars, null, { rng: {}, valLoss: null });
    // A save killed before its rename, and a removal killed after its rename (other pids).
    for (const name of ['.step-0000008.4242.tmp', '.step-0000004.4243.old.tmp']) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'weights.bin'), 'torn');
    }
    saveCheckpoint(root, 8, s.vars, null, { rng: {}, valLoss: null });
    expect(readdirSync(root).sort()).toEqual(['step-0000004', 'step-0000008']);
    saveCheckpoint(root, 12, s.vars, null, { rng: {}, valLoss: null });
    pruneCheckpoints(root, 1);
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([12]);
    expect(readdirSync(root)).toEqual(['step-0000012']);
  });
});
