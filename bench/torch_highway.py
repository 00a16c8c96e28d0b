# PyTorch reference for bench/torch-backend-bench.ts: one training step of four dilated
# highway-conv layers (B 8, L 200, C 128, k 3, dilations 1/3/9/27, "same" padding), LayerNorm
# eps 1e-5, loss mean(out^2), hand-written Adam with clipping - the same step as the TF.js side.
# Usage: python3 bench/torch_highway.py THREADS STEPS  -> prints one JSON line.
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
torch.manual_seed(0)
B, L, C, K = 8, 200, 128, 3
DIL = [1, 3, 9, 27]

params = []
for d in DIL:
    sigma = math.sqrt(1.3 * 2 / (K * C))
    w = (torch.randn(2 * C, C, K) * sigma).requires_grad_()
    b = torch.zeros(2 * C, requires_grad=True)
    g1, b1 = torch.ones(C, requires_grad=True), torch.zeros(C, requires_grad=True)
    g2, b2 = torch.ones(C, requires_grad=True), torch.zeros(C, requires_grad=True)
    params.append((d, w, b, g1, b1, g2, b2))
flat = [t for p in params for t in p[1:]]
m = [torch.zeros_like(t) for t in flat]
v = [torch.zeros_like(t) for t in flat]
x0 = torch.randn(B, C, L)


def step(t):
    x = x0
    for d, w, b, g1, b1, g2, b2 in params:
        h = F.conv1d(x, w, b, padding=d, dilation=d)  # [B, 2C, L]
        h1, h2 = h[:, :C].transpose(1, 2), h[:, C:].transpose(1, 2)
        g = torch.sigmoid(F.layer_norm(h1, (C,), g1, b1, 1e-5))
        val = F.layer_norm(h2, (C,), g2, b2, 1e-5)
        x = (g * val + (1 - g) * x.transpose(1, 2)).transpose(1, 2)
    loss = (x * x).mean()
    grads = torch.autograd.grad(loss, flat)
    lr = 1e-3 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
    with torch.no_grad():
        for p, g, mm, vv in zip(flat, grads, m, v):
            g = g.clamp(-1, 1)
            mm.mul_(0.9).add_(g, alpha=0.1)
            vv.mul_(0.999).addcmul_(g, g, value=0.001)
            p.sub_(lr * mm / (vv.sqrt() + 1e-8))
    return loss.item()


step(1)
times = []
for t in range(2, steps + 2):
    t0 = time.perf_counter()
    step(t)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"threads": threads, "ms": times[len(times) // 2], "torch": torch.__version__}))
