import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/models/backend.ts';
import { Text2Mel } from '../../src/models/text2mel.ts';
import { Ssrn } from '../../src/models/ssrn.ts';
import { TEXT2MEL_DEFAULT, TEXT2MEL_TINY, SSRN_DEFAULT, SSRN_TINY } from '../../src/models/config.ts';
import { Rng } from '../../src/models/rng.ts';
import { useTestBackend, TEXT2MEL_D16, SSRN_D16, randomIds } from './helpers.ts';

beforeAll(useTestBackend);

describe('parameter counts (docs/design.md §3.7)', () => {
  it.each([
    ['Text2Mel default', () => new Text2Mel(TEXT2MEL_DEFAULT), 23_970_288],
    ['Text2Mel tiny', () => new Text2Mel(TEXT2MEL_TINY), 827_448],
    ['SSRN default', () => new Ssrn(SSRN_DEFAULT), 28_410_383],
    ['SSRN tiny', () => new Ssrn(SSRN_TINY), 1_030_283],
  ] as const)('%s', (_name, build, expected) => {
    const m = build();
    expect(m.store.countParams()).toBe(expected);
    m.store.dispose();
  });

  it('uses REF layer names', () => {
    const m = new Text2Mel(TEXT2MEL_DEFAULT);
    const names = [...m.store.vars.keys()];
    expect(names).toContain('Text2Mel/TextEnc/embed_1/lookup_table');
    expect(names).toContain('Text2Mel/TextEnc/HC_15/LN_2/beta');
    expect(names).toContain('Text2Mel/AudioEnc/HC_13/kernel');
    expect(names).toContain('Text2Mel/AudioDec/HC_7/kernel');
    expect(names).toContain('Text2Mel/AudioDec/C_11/LN/gamma');
    m.store.dispose();
    const s = new Ssrn(SSRN_DEFAULT);
    const sn = [...s.store.vars.keys()];
    for (const n of ['SSRN/C_1/kernel', 'SSRN/D_4/kernel', 'SSRN/D_7/kernel', 'SSRN/HC_12/kernel', 'SSRN/C_16/kernel']) expect(sn).toContain(n);
    s.store.dispose();
  });
});

describe('shapes', () => {
  for (const [label, cfg] of [['tiny', TEXT2MEL_TINY], ['d16', TEXT2MEL_D16]] as const) {
    for (const [b, n, t] of [[2, 7, 5], [1, 1, 1], [3, 1, 4], [1, 6, 1]]) {
      it(`Text2Mel ${label} B=${b} N=${n} T'=${t}, training and inference`, () => {
        const m = new Text2Mel(cfg);
        for (const run of [{ training: false }, { training: true, rng: new Rng(1) }]) {
          tf.tidy(() => {
            const ids = randomIds(b, n);
            const { keys, values } = m.encodeText(ids, run);
            expect(keys.shape).toEqual([b, n, cfg.d]);
            expect(values.shape).toEqual([b, n, cfg.d]);
            const out = m.forward(ids, tf.zeros([b, t, cfg.nMels]), run);
            expect(out.logits.shape).toEqual([b, t, cfg.nMels]);
            expect(out.mel.shape).toEqual([b, t, cfg.nMels]);
            expect(out.alignment.shape).toEqual([b, t, n]);
          });
        }
        m.store.dispose();
      });
    }
  }

  for (const [label, cfg] of [['tiny', SSRN_TINY], ['d16', SSRN_D16]] as const) {
    for (const [b, t] of [[2, 5], [1, 1]]) {
      it(`SSRN ${label} B=${b} T'=${t}`, () => {
        const m = new Ssrn(cfg);
        tf.tidy(() => {
          const out = m.forward(tf.zeros([b, t, cfg.nMels]), { training: true, rng: new Rng(2) });
          expect(out.logits.shape).toEqual([b, 4 * t, cfg.fBins]);
          expect(out.mag.shape).toEqual([b, 4 * t, cfg.fBins]);
        });
        m.store.dispose();
      });
    }
  }

  it('padding id 0 embeds to zeros', () => {
    const m = new Text2Mel(TEXT2MEL_D16);
    const e = m.embed.apply(tf.tensor2d([[0, 0, 5]], [1, 3], 'int32'));
    expect(Array.from(e.slice([0, 0, 0], [1, 2, 16]).dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(e.slice([0, 2, 0], [1, 1, 16]).dataSync()).some((v) => v !== 0)).toBe(true);
    m.store.dispose();
  });
});
