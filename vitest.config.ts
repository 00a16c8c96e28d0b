import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'native/**/test/*.test.ts'],
    testTimeout: 120_000,
    // CI runs with CI=true, which makes Ink (through is-in-ci, read when it loads) draw only the
    // last frame; the dashboard tests, in this process and in the vcpipe processes they start on
    // a TTY, check the live frames a person sees.
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0' },
    hookTimeout: 120_000,
    // Two cores: tests that spawn training processes must not fight each other.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
