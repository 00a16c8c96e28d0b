// A C++ exception from any addon call (here: a data id the store does not hold) reaches JS as an
// Error with one line, instead of terminating the process (node-addon-api rethrows only its own
// Napi::Error unless NODE_ADDON_API_CPP_EXCEPTIONS_ALL is defined, see binding.gyp).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../src/addon.ts';
import { setupTorch } from './helpers.ts';

beforeAll(() => setupTorch(1));

describe('native errors', () => {
  it('an unknown data id is a one-line Error from run, read and shape', () => {
    const addon = loadAddon();
    for (const call of [() => addon.run('Neg', [987654321], []), () => addon.read(987654321), () => addon.shape(987654321)]) {
      expect(call).toThrowError(/^tfjs-backend-torch: unknown data id 987654321$/);
    }
  });
});
