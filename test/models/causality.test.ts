import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { Text2Mel } from '../../src/models/text2mel.ts';
import { attend } from '../../src/models/attention.ts';
import { INFERENCE } from '../../src/models/layers.ts';
import { useTestBackend, TEXT2MEL_D16, randomIds, maxAbsDiff } from './helpers.ts';


// Change the decoder input at frames > t; outputs at frames ≤ t must not move.
const T = 24;
const cut = 11;
const firstFrames = (x: tf.Tensor3D) => x.slice([0, 0, 0], [x.shape[0], cut + 1, x.shape[2]]);

function inputs(ch: number) {
  const s = tf.randomUniform([2, T, ch], 0, 1, 'float32', 21) as tf.Tensor3D;
  const tail = tf.randomUniform([2, T - cut - 1, ch], 0, 1, 'float32', 22);
  const s2 = tf.concat([s.slice([0, 0, 0], [2, cut + 1, ch]), tail], 1) as tf.Tensor3D;
  return [s, s2];
}

describe('causality (changing frames > t leaves outputs ≤ t unchanged)', () => {
  let m: Text2Mel;
  beforeAll(async () => {
    await useTestBackend();
    m = new Text2Mel(TEXT2MEL_D16);
  });

  it('AudioEnc', () => {
    const [s, s2] = inputs(TEXT2MEL_D16.nMels);
    const a = m.encodeAudio(s, INFERENCE), b = m.encodeAudio(s2, INFERENCE);
    expect(maxAbsDiff(firstFrames(a), firstFrames(b))).toBe(0);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
  });

  it('AudioDec', () => {
    const [r, r2] = inputs(2 * TEXT2MEL_D16.d);
    const a = m.decodeAudio(r, INFERENCE), b = m.decodeAudio(r2, INFERENCE);
    expect(maxAbsDiff(firstFrames(a), firstFrames(b))).toBe(0);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
  });

  it('whole Text2Mel (incl. attention), inference and training forms', () => {
    const [s, s2] = inputs(TEXT2MEL_D16.nMels);
    const ids = randomIds(2, 9);
    const a = m.forward(ids, s, INFERENCE), b = m.forward(ids, s2, INFERENCE);
    expect(maxAbsDiff(firstFrames(a.mel), firstFrames(b.mel))).toBe(0);
    expect(maxAbsDiff(firstFrames(a.alignment), firstFrames(b.alignment))).toBe(0);
    // Training form (tap-sum convs), no dropout: same property.
    const train = { training: true, rng: undefined };
    const m0 = new Text2Mel({ ...TEXT2MEL_D16, dropout: 0 });
    const c = m0.forward(ids, s, train), d = m0.forward(ids, s2, train);
    expect(maxAbsDiff(firstFrames(c.mel), firstFrames(d.mel))).toBe(0);
    m0.store.dispose();
  });

  it('attention softmax is over the text axis', () => {
    const q = tf.randomNormal([1, 4, 8]) as tf.Tensor3D, k = tf.randomNormal([1, 6, 8]) as tf.Tensor3D;
    const { alignment, rq } = attend(q, k, k);
    expect(rq.shape).toEqual([1, 4, 16]);
    for (const v of tf.sum(alignment, -1).dataSync()) expect(v).toBeCloseTo(1, 5);
  });
});
