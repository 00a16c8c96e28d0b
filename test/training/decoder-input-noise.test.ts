import { describe, it, expect, beforeAll } from 'vitest';
import { selectBackend } from '../../src/models/backend.ts';
import { TEXT2MEL_TINY } from '../../src/models/config.ts';
import { Rng } from '../../src/models/rng.ts';
import { corruptDecoderInput } from '../../src/training/decoder-input-noise.ts';
import { Text2MelTask } from '../../src/training/text2mel-task.ts';
import type { Loaded } from '../../src/training/dataset.ts';

const cfg = { ...TEXT2MEL_TINY, e: 8, d: 8 };
const F = cfg.nMels;

function item(frames: number, value: number): Loaded {
  const utt = { id: `u${frames}`, text: 'x', normalized: 'x', ids: [3, 4, 1], frames, mel: '', mag: '', duration: 1 };
  return { item: { utt, melPath: '', magPath: '' }, mel: new Float32Array(frames * F).fill(value) };
}
const items = [item(20, 0.5), item(12, 0.25)];
const watchdog = { alignBy: 1000, onNoAlignment: 'warn' as const, warn: () => undefined };
const taskWith = (noise: number, dropout: number) => new Text2MelTask(cfg, 1, { guidedAttention: 'per_utterance', decoderInput: { noise, dropout }, ...watchdog });

/** The S and target of a collated batch as arrays (and the batch disposed). */
function collated(task: Text2MelTask, rng?: Rng) {
  const b = task.collate(items, rng);
  const out = { s: b.s.dataSync() as Float32Array, mel: b.mel.dataSync() as Float32Array };
  task.disposeBatch(b);
  return out;
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('decoder input corruption (exposure bias)', () => {
  it('zeroes about the asked share of whole frames, never frame 0 or padding', () => {
    const tb = 400, s = new Float32Array(tb * F).fill(0.5);
    s.fill(0, 0, F); // frame 0 is the zero start frame
    corruptDecoderInput(s, [300], tb, F, { noise: 0, dropout: 0.25 }, new Rng(3));
    const frames = Array.from({ length: tb }, (_, t) => s.subarray(t * F, (t + 1) * F));
    for (const f of frames) expect(f.every((v) => v === 0) || f.every((v) => v === 0.5)).toBe(true);
    const zeroed = frames.slice(1, 300).filter((f) => f[0] === 0).length;
    expect(zeroed / 299).toBeGreaterThan(0.18);
    expect(zeroed / 299).toBeLessThan(0.32);
    expect(frames.slice(300).every((f) => f[0] === 0.5)).toBe(true); // padding untouched
  });

  it('adds noise of the asked σ to the real frames only', () => {
    const tb = 300, s = new Float32Array(tb * F).fill(0.5);
    corruptDecoderInput(s, [200], tb, F, { noise: 0.01, dropout: 0 }, new Rng(5));
    const diffs = Array.from(s.subarray(F, 200 * F), (v) => v - 0.5);
    const sd = Math.sqrt(diffs.reduce((a, d) => a + d * d, 0) / diffs.length);
    expect(sd).toBeGreaterThan(0.009);
    expect(sd).toBeLessThan(0.011);
    expect(s.subarray(0, F).every((v) => v === 0.5)).toBe(true);
    expect(s.subarray(200 * F).every((v) => v === 0.5)).toBe(true);
  });

  it('changes the decoder input of training batches only: not the target, not validation, not at 0', () => {
    const clean = collated(taskWith(0, 0), new Rng(1));
    const noisy = taskWith(0.05, 0.2);
    const trained = collated(noisy, new Rng(1));
    expect(trained.mel).toEqual(clean.mel);
    const changed = trained.s.filter((v, i) => v !== clean.s[i]).length;
    expect(changed).toBeGreaterThan(clean.s.length / 4);
    // Validation collates without an rng: the clean teacher-forced input.
    expect(collated(noisy).s).toEqual(clean.s);
    // Seeded: the same step's rng gives the same corruption (a resumed run redraws it exactly).
    expect(collated(noisy, new Rng(1)).s).toEqual(trained.s);
  });
});
