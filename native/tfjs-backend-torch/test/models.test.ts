// Real tiny Text2Mel and SSRN training steps: (1) the kernels they use on cpu (traced with
// tf.profile) must all exist on torch; (2) loss and every gradient on torch equal cpu's.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupTorch, tf } from './helpers.ts';
import { SSRN, T2M, Ssrn, Text2Mel, lossAndGrads, makeBatch, ssrnLoss, text2melLoss, trainStep, Adam } from './tiny-models.ts';
import staticList from './traced-kernels.json' with { type: 'json' };

beforeAll(async () => {
  await setupTorch(2);
  await tf.setBackend('torch');
  await tf.setBackend('cpu');
});

async function trace(fn: () => void): Promise<Set<string>> {
  const info = await tf.profile(fn);
  return new Set(info.kernels.map((k) => k.name));
}

function missingOnTorch(names: Iterable<string>): string[] {
  // 'forward' is tf.customGrad's pseudo-kernel name, not a kernel.
  return [...names].filter((k) => k !== 'forward' && tf.getKernel(k, 'torch') == null).sort();
}

describe('kernel coverage of a real training step', () => {
  it('every kernel of a cpu Text2Mel + SSRN training step (with Adam) exists on torch', async () => {
    await tf.setBackend('cpu');
    const batch = makeBatch();
    const t2m = new Text2Mel(T2M, 1);
    const ssrn = new Ssrn(SSRN, 2);
    const names = await trace(() => {
      trainStep(t2m.store.vars, new Adam(), () => text2melLoss(t2m, batch));
      trainStep(ssrn.store.vars, new Adam(), () => ssrnLoss(ssrn, batch));
    });
    t2m.store.dispose();
    ssrn.store.dispose();
    // Keep the checked-in list (also covering the building blocks of docs/design.md §3.1) in sync.
    const stale = [...names].filter((k) => !staticList.kernels.includes(k));
    expect(stale, 'add these to test/traced-kernels.json').toEqual([]);
    expect(missingOnTorch(names)).toEqual([]);
    expect(missingOnTorch(staticList.kernels)).toEqual([]);
  });

  it('the torch-path step (fused highway layers) runs with only torch kernels', async () => {
    await tf.setBackend('torch');
    const batch = makeBatch();
    const t2m = new Text2Mel(T2M, 1);
    const names = await trace(() => {
      trainStep(t2m.store.vars, new Adam(), () => text2melLoss(t2m, batch));
    });
    t2m.store.dispose();
    expect(names.has('TorchHighwayGrad')).toBe(true);
    expect(missingOnTorch(names)).toEqual([]);
    await tf.setBackend('cpu');
  });
});

describe('model equivalence torch vs cpu', () => {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));

  function check(name: string, cpu: ReturnType<typeof lossAndGrads>, torch: ReturnType<typeof lossAndGrads>) {
    expect(close(torch.loss, cpu.loss), `${name} loss ${torch.loss} vs ${cpu.loss}`).toBe(true);
    expect([...torch.grads.keys()].sort()).toEqual([...cpu.grads.keys()].sort());
    let worst = 0;
    for (const [k, g] of cpu.grads) {
      const h = torch.grads.get(k)!;
      expect(h.length).toBe(g.length);
      for (let i = 0; i < g.length; i++) {
        const d = Math.abs(h[i] - g[i]) / Math.max(1, Math.abs(g[i]));
        worst = Math.max(worst, d);
        if (!close(h[i], g[i])) throw new Error(`${name} grad ${k}[${i}]: torch ${h[i]} vs cpu ${g[i]}`);
      }
    }
    return worst;
  }

  it('Text2Mel: loss and every gradient within 1e-4', async () => {
    const batch = makeBatch();
    await tf.setBackend('cpu');
    const m = new Text2Mel(T2M, 11);
    const cpu = lossAndGrads(m.store.vars, () => text2melLoss(m, batch, 5, false));
    await tf.setBackend('torch'); // variables move over on first use
    const torch = lossAndGrads(m.store.vars, () => text2melLoss(m, batch, 5, false));
    m.store.dispose();
    expect(cpu.grads.size).toBeGreaterThan(20);
    console.log(`Text2Mel worst relative gradient difference torch vs cpu: ${check('Text2Mel', cpu, torch).toExponential(2)}`);
    await tf.setBackend('cpu');
  });

  it('SSRN: loss and every gradient within 1e-4', async () => {
    const batch = makeBatch();
    await tf.setBackend('cpu');
    const m = new Ssrn(SSRN, 12);
    const cpu = lossAndGrads(m.store.vars, () => ssrnLoss(m, batch));
    await tf.setBackend('torch');
    const torch = lossAndGrads(m.store.vars, () => ssrnLoss(m, batch));
    m.store.dispose();
    console.log(`SSRN worst relative gradient difference torch vs cpu: ${check('SSRN', cpu, torch).toExponential(2)}`);
    await tf.setBackend('cpu');
  });
});
