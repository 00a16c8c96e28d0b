'use strict';
// Locates libtorch headers and libraries. Used by binding.gyp (via `node scripts/libtorch.cjs <what>`)
// and by the install script. LIBTORCH=/path selects an archive layout (include/ + lib/), e.g. the
// official CUDA build; otherwise Debian's libtorch-dev locations are used.
const fs = require('node:fs');
const path = require('node:path');

function locate() {
  const root = process.env.LIBTORCH;
  const candidates = root
    ? [{ inc: path.join(root, 'include'), lib: path.join(root, 'lib') }]
    : [
        { inc: '/usr/include', lib: '/usr/lib/x86_64-linux-gnu' },
        { inc: '/usr/include', lib: '/usr/lib/aarch64-linux-gnu' },
        { inc: '/usr/local/include', lib: '/usr/local/lib' },
      ];
  let missing = '';
  for (const c of candidates) {
    const header = path.join(c.inc, 'torch/csrc/api/include/torch/torch.h');
    const aten = path.join(c.inc, 'ATen/ATen.h');
    const libs = ['libtorch.so', 'libtorch_cpu.so', 'libc10.so'];
    if (!fs.existsSync(aten) || !fs.existsSync(header)) {
      missing ||= `libtorch headers not found (${aten})`;
      continue;
    }
    const absent = libs.find((l) => !fs.existsSync(path.join(c.lib, l)));
    if (absent) {
      missing ||= `libtorch library ${path.join(c.lib, absent)} not found`;
      continue;
    }
    return {
      include: [c.inc, path.join(c.inc, 'torch/csrc/api/include')],
      libdir: c.lib,
      cuda: fs.existsSync(path.join(c.lib, 'libtorch_cuda.so')),
      cxx11abi: usesCxx11Abi(path.join(c.lib, 'libc10.so')),
    };
  }
  return { missing: missing || 'libtorch not found' };
}

// Official libtorch archives exist for both libstdc++ ABIs; the addon must be compiled with the
// one libtorch used. A cxx11-ABI library mentions std::__cxx11 in its symbol names.
function usesCxx11Abi(lib) {
  if (process.env.LIBTORCH_CXX11_ABI) return process.env.LIBTORCH_CXX11_ABI !== '0';
  try {
    return fs.readFileSync(fs.realpathSync(lib)).includes('St7__cxx11');
  } catch {
    return true;
  }
}

module.exports = { locate };

if (require.main === module) {
  const r = locate();
  const what = process.argv[2];
  if (r.missing) process.exit(1);
  if (what === 'include') console.log(r.include.join(' '));
  else if (what === 'libdir') console.log(r.libdir);
  else if (what === 'abi') console.log(`_GLIBCXX_USE_CXX11_ABI=${r.cxx11abi ? 1 : 0}`);
  else if (what === 'libs') {
    const names = ['torch', 'torch_cpu', 'c10'].concat(r.cuda ? ['torch_cuda', 'c10_cuda'] : []);
    console.log(names.map((n) => '-l' + n).join(' '));
  } else console.log(JSON.stringify(r));
}
