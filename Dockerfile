# The image an exported Argo Workflow runs (`vcpipe export argo ... --image vcpipe:latest`): every
# task is `vcpipe step ...` in /app. Debian bookworm with Node 20 (the official node image), the
# Debian packages the steps call (flite and espeak-ng speak corpora, pocketsphinx transcribes for
# evaluate, libtorch is the native tensor backend) and g++/make/python3 to build that backend's addon.
#   docker build -t vcpipe:latest .
FROM node:20-bookworm

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      flite espeak-ng pocketsphinx pocketsphinx-en-us libtorch-dev bzip2 g++ make python3 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (a layer that survives source edits). The native backend is a file:
# dependency whose install script builds the addon against Debian's libtorch, with the Node
# headers of this image (no download).
COPY package.json package-lock.json ./
COPY native/tfjs-backend-torch ./native/tfjs-backend-torch
RUN npm_config_nodedir=/usr/local npm ci \
 && node -e "require('node:fs').accessSync('native/tfjs-backend-torch/build/Release/torch_backend.node')"

COPY . .
RUN ln -s /app/bin/vcpipe.js /usr/local/bin/vcpipe && vcpipe --help > /dev/null

# Debian's libtorch is a CPU build: a task given a GPU (nvidia.com/gpu) uses it only in an image
# whose addon links the official CUDA libtorch (README, "Tensor backends and GPUs": LIBTORCH=...
# npm rebuild tfjs-backend-torch, LD_LIBRARY_PATH), e.g. a FROM vcpipe:latest image that adds it.
# The local cache folder of a task (its mirror of the store) is /app/cache, inside the pod.
CMD ["vcpipe", "--help"]
