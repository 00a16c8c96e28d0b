import { describe, it, expect } from 'vitest';
import { selectBackend, tf } from '../../src/models/backend.ts';
import { UserError } from '../../src/errors.ts';

describe('backend chooser', () => {
  it('auto takes the first that loads in the order torch, tensorflow-gpu, tensorflow, wasm, cpu and says why the faster ones were skipped', async () => {
    const lines: string[] = [];
    const choice = await selectBackend('auto', (l) => lines.push(l));
    const order = ['torch', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    const skippedNames = choice.skipped.map((s) => /^backend (\S+) unavailable: \S/.exec(s)![1]);
    expect(skippedNames).toEqual(order.slice(0, order.indexOf(choice.chosen)));
    expect(lines).toEqual([...choice.skipped, expect.stringMatching(new RegExp(`^backend: ${choice.chosen}`))]);
    expect(tf.getBackend()).toBe(choice.tfName);
  });

  it('loads wasm and cpu by name', async () => {
    expect((await selectBackend('wasm')).tfName).toBe('wasm');
    expect((await selectBackend('cpu')).tfName).toBe('cpu');
  });

  it('names the reason when an explicit backend cannot load, and rejects unknown names', async () => {
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(new UserError('backend tensorflow-gpu unavailable: not installed'));
    await expect(selectBackend('gpu')).rejects.toThrow(/unknown backend 'gpu'/);
  });
});
