#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx vcpipe` works right after `npm ci`
// with no build step to remember. The tsconfig is named explicitly: tsx would otherwise look
// for one in the cwd, and without it the dashboard's JSX does not compile.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register({ tsconfig: process.env.TSX_TSCONFIG_PATH });
// `vcpipe plan … | head`: once the reader is gone the rest of the output has nowhere to go; drop
// it quietly instead of dying with an EPIPE stack (a run still goes on to its end).
const dropWhenClosed = (err) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
};
process.stdout.on('error', dropWhenClosed);
process.stderr.on('error', dropWhenClosed);
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
