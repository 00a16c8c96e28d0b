#!/bin/sh
# Incremental rebuild for development (node-gyp build, one job): only changed .cc files recompile.
cd "$(dirname "$0")/.." && exec node /usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js build -j1 --nodedir=/usr
