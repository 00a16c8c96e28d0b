#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx vcpipe` works right after `npm ci`
// with no build step to remember. The tsconfig is named explicitly: tsx would otherwise look
// for one in the cwd, and without it the dashboard's JSX does not compile.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register({ tsconfig: process.env.TSX_TSCONFIG_PATH });
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
