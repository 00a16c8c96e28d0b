"""One tiny Text2Mel or SSRN training step in PyTorch, for bench/train-bench.ts's vcpipe/PyTorch ratio.

Same networks as vcpipe (docs/design.md §3.1-§3.7, tiny sizes of src/models/config.ts),
same losses (Text2Mel: L1 + BD + guided attention; SSRN: L1 + BD), clipped Adam; random batch of
B x N text ids and B x T' x F mels (SSRN: B x T' x F mels and B x 4T' x F' magnitudes). Prints one
JSON line: {"network", "threads", "steps_per_s", "s_per_step", "params"}.
Usage: python3 bench/torch_text2mel.py --threads 1 [--network ssrn --batch 8 --text 40 --frames 60 --steps 20]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv(nn.Module):
    """C(k, dilation): conv + bias -> LayerNorm over channels -> activation -> dropout; causal or same padding."""

    def __init__(self, cin, cout, k=1, dil=1, causal=False, act=None, p=0.05):
        super().__init__()
        self.pad = ((k - 1) * dil, 0) if causal else ((k - 1) * dil // 2, (k - 1) * dil // 2)
        self.conv = nn.Conv1d(cin, cout, k, dilation=dil)
        self.ln = nn.LayerNorm(cout, eps=1e-5)
        self.act, self.p = act, p

    def forward(self, x):  # x [B, C, L]
        y = self.conv(F.pad(x, self.pad))
        y = self.ln(y.transpose(1, 2)).transpose(1, 2)
        if self.act == 'relu':
            y = F.relu(y)
        return F.dropout(y, self.p, self.training)


class Highway(nn.Module):
    """HC(k, dilation, ch): G = sigmoid(LN1(H1)); out = G*LN2(H2) + (1-G)*x."""

    def __init__(self, ch, k=3, dil=1, causal=False, p=0.05):
        super().__init__()
        self.pad = ((k - 1) * dil, 0) if causal else ((k - 1) * dil // 2, (k - 1) * dil // 2)
        self.conv = nn.Conv1d(ch, 2 * ch, k, dilation=dil)
        self.ln1, self.ln2 = nn.LayerNorm(ch, eps=1e-5), nn.LayerNorm(ch, eps=1e-5)
        self.p = p

    def forward(self, x):
        h1, h2 = self.conv(F.pad(x, self.pad)).transpose(1, 2).chunk(2, dim=2)
        g = torch.sigmoid(self.ln1(h1))
        out = g * self.ln2(h2) + (1 - g) * x.transpose(1, 2)
        return F.dropout(out.transpose(1, 2), self.p, self.training)


class Text2Mel(nn.Module):
    def __init__(self, vocab=32, n_mels=40, e=32, d=64, dil=(1, 3, 9, 27)):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(vocab, e, padding_idx=0)
        self.text = nn.Sequential(
            Conv(e, 2 * d, act='relu'), Conv(2 * d, 2 * d),
            *[Highway(2 * d, 3, x) for x in dil], Highway(2 * d, 3, 1), Highway(2 * d, 1, 1))
        self.audio_enc = nn.Sequential(
            Conv(n_mels, d, causal=True, act='relu'), Conv(d, d, causal=True, act='relu'), Conv(d, d, causal=True),
            *[Highway(d, 3, x, causal=True) for x in dil], Highway(d, 3, 3, causal=True))
        self.audio_dec = nn.Sequential(
            Conv(2 * d, d, causal=True), *[Highway(d, 3, x, causal=True) for x in dil], Highway(d, 3, 1, causal=True),
            Conv(d, d, causal=True, act='relu'), Conv(d, n_mels, causal=True))

    def forward(self, ids, s):  # ids [B, N], s [B, T, F]
        kv = self.text(self.embed(ids).transpose(1, 2))  # [B, 2d, N]
        k, v = kv[:, : self.d], kv[:, self.d:]
        q = self.audio_enc(s.transpose(1, 2))  # [B, d, T]
        a = torch.softmax(torch.bmm(q.transpose(1, 2), k) / math.sqrt(self.d), dim=2)  # [B, T, N]
        r = torch.bmm(a, v.transpose(1, 2))  # [B, T, d]
        logits = self.audio_dec(torch.cat([r, q.transpose(1, 2)], 2).transpose(1, 2)).transpose(1, 2)
        return logits, a


class Deconv(nn.Module):
    """D(3, s=2): transposed conv doubling time -> LayerNorm -> dropout. PyTorch's output is 2L + 1
    long; its first 2L are vcpipe's out[2m] = x[m]W0 + x[m-1]W2, out[2m+1] = x[m]W1."""

    def __init__(self, ch, p=0.05):
        super().__init__()
        self.conv = nn.ConvTranspose1d(ch, ch, 3, stride=2)
        self.ln = nn.LayerNorm(ch, eps=1e-5)
        self.p = p

    def forward(self, x):  # x [B, C, L] -> [B, C, 2L]
        y = self.conv(x)[:, :, : 2 * x.shape[2]]
        y = self.ln(y.transpose(1, 2)).transpose(1, 2)
        return F.dropout(y, self.p, self.training)


class Ssrn(nn.Module):
    """src/models/ssrn.ts with SSRN_TINY: a stage of HC per upsampling, then 2c-wide HC and k1 convs to F'."""

    def __init__(self, n_mels=40, c=128, f_bins=257, dil=(1, 3, 9, 27), hc_per_stage=1, upsamples=2, wide_hc=1, relu_convs=1):
        super().__init__()

        def stage():
            return [Highway(c, 3, dil[j % len(dil)]) for j in range(hc_per_stage)]
        layers = [Conv(n_mels, c), *stage()]
        for _ in range(upsamples):
            layers += [Deconv(c), *stage()]
        layers += [Conv(c, 2 * c), *[Highway(2 * c, 3, 1) for _ in range(wide_hc)], Conv(2 * c, f_bins),
                   *[Conv(f_bins, f_bins, act='relu') for _ in range(relu_convs)], Conv(f_bins, f_bins)]
        self.layers = nn.Sequential(*layers)

    def forward(self, mel):  # mel [B, T, F] -> logits [B, 4T, F']
        return self.layers(mel.transpose(1, 2)).transpose(1, 2)


def text2mel_case(b, n, t):
    """The model and its loss on one random batch."""
    model = Text2Mel()
    ids = torch.randint(2, 32, (b, n))
    mel = torch.rand(b, t, 40)
    s = torch.cat([torch.zeros(b, 1, 40), mel[:, :-1]], 1)
    nn_, tt = torch.arange(n).float() / n, torch.arange(t).float() / t
    w = 1 - torch.exp(-((nn_[None, :] - tt[:, None]) ** 2) / (2 * 0.2 ** 2))  # [T, N]

    def loss():
        logits, a = model(ids, s)
        return (torch.sigmoid(logits) - mel).abs().mean() + F.binary_cross_entropy_with_logits(logits, mel) + (a * w).mean()
    return model, loss


def ssrn_case(b, t):
    model = Ssrn()
    mel, mag = torch.rand(b, t, 40), torch.rand(b, 4 * t, 257)

    def loss():
        logits = model(mel)
        return (torch.sigmoid(logits) - mag).abs().mean() + F.binary_cross_entropy_with_logits(logits, mag)
    return model, loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--network', choices=['text2mel', 'ssrn'], default='text2mel')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--text', type=int, default=40)
    ap.add_argument('--frames', type=int, default=60)
    ap.add_argument('--steps', type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    b, n, t = args.batch, args.text, args.frames
    model, loss_of = text2mel_case(b, n, t) if args.network == 'text2mel' else ssrn_case(b, t)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step():
        loss = loss_of()
        opt.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.grad.clamp_(-1, 1)
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    secs = (time.perf_counter() - t0) / args.steps
    print(json.dumps({'network': args.network, 'threads': args.threads, 'steps_per_s': 1 / secs, 's_per_step': secs,
                      'params': sum(p.numel() for p in model.parameters())}))


if __name__ == '__main__':
    main()
