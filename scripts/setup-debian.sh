#!/usr/bin/env bash
# Installs the Debian packages vcpipe uses that are not installed yet: the arguments, or by
# default what the demo needs. Runs apt-get directly as root (a container usually has no sudo),
# through sudo otherwise. .ci/run calls it with the longer list the tests need.
set -euo pipefail

DEMO_PACKAGES="flite libtorch-dev pocketsphinx pocketsphinx-en-us g++ make python3"
packages=("$@")
((${#packages[@]})) || read -r -a packages <<<"$DEMO_PACKAGES"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup-debian: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup-debian: not root and no sudo: as root, run apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "setup-debian: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
