'use strict';
// Builds the addon when libtorch is present; otherwise prints one line and exits 0 so that the
// root `npm ci` succeeds (the package is an optional dependency; loading it then throws).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { locate } = require('./libtorch.cjs');

const here = path.resolve(__dirname, '..');
const found = locate();
if (found.missing) {
  console.log(`tfjs-backend-torch: skipped native build: ${found.missing}`);
  process.exit(0);
}
const jobs = process.env.JOBS || '1';
// npm puts its bundled node-gyp on PATH for lifecycle scripts; fall back to npm's copy otherwise.
let cmd = 'node-gyp';
let args = ['rebuild', `-j${jobs}`];
// Offline machines: build against the installed Node headers instead of downloading them.
const fs = require('node:fs');
if (!process.env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const probe = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
if (probe.status !== 0) {
  const npmDir = path.dirname(path.dirname(process.execPath));
  cmd = process.execPath;
  args = [path.join(npmDir, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'), ...args];
}
const r = spawnSync(cmd, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  // Keep npm ci green: report the failure in one line plus the compiler's tail on stderr.
  process.stderr.write((r.stderr || '').split('\n').slice(-30).join('\n') + '\n');
  console.log(`tfjs-backend-torch: skipped: native build failed (exit ${r.status}); see output above`);
  process.exit(0);
}
console.log(`tfjs-backend-torch: built against libtorch in ${found.libdir}`);
