#!/usr/bin/python3
"""One large golden case for accuracy at scale: a bidirectional GRU, I=130 H=257 B=33 T=20, one layer.

    /usr/bin/python3 models/src/test/python/make_large_case.py testdata/parity-extra/gru_bi_large.safetensors

The inputs are not stored: every value comes from splitmix64 (seed 13), which the Java test reproduces
bit for bit, so the file holds only the float64 reference gradients (rounded to float32 to keep the file
under 3 MB) and, in its metadata, how far PyTorch's own float32 run is from them: the worst and the
99.9th-percentile absolute error of every weight gradient, measured against the same rounded reference
the Java test uses. Loss = sum(output * R) + sum(h_n * Rh).
"""
import json
import math
import struct
import sys

import torch

I, H, B, T, G = 130, 257, 33, 20, 3
SEED = 13
MASK = (1 << 64) - 1


class SplitMix:
    """splitmix64; next_uniform() = (top 24 bits / 2^24) * 2 - 1, exact in float32."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z = z ^ (z >> 31)
        return (z >> 40) / 16777216.0 * 2 - 1


def draw(rng, scale, *shape):
    n = math.prod(shape)
    vals = [rng.next_uniform() * scale for _ in range(n)]
    return torch.tensor(vals, dtype=torch.float64).to(torch.float32).to(torch.float64).reshape(*shape)


def main():
    out = sys.argv[1]
    torch.set_num_threads(1)
    rng = SplitMix(SEED)
    bound = 1 / math.sqrt(H)
    params = {}
    for sfx in ("", "_reverse"):
        params["weight_ih_l0" + sfx] = draw(rng, bound, G * H, I)
        params["weight_hh_l0" + sfx] = draw(rng, bound, G * H, H)
        params["bias_ih_l0" + sfx] = draw(rng, bound, G * H)
        params["bias_hh_l0" + sfx] = draw(rng, bound, G * H)
    x = draw(rng, 1.0, T, B, I)
    h0 = draw(rng, 1.0, 2, B, H)
    R = draw(rng, 1.0, T, B, 2 * H)
    Rh = draw(rng, 1.0, 2, B, H)

    def run(dtype):
        net = torch.nn.GRU(I, H, 1, bidirectional=True).to(dtype)
        with torch.no_grad():
            for name, p in net.named_parameters():
                p.copy_(params[name].to(dtype))
        xx = x.to(dtype).clone().requires_grad_(True)
        hh = h0.to(dtype).clone().requires_grad_(True)
        o, hn = net(xx, hh)
        loss = (o * R.to(dtype)).sum() + (hn * Rh.to(dtype)).sum()
        loss.backward()
        grads = {"grad." + k: p.grad.detach().to(torch.float64) for k, p in net.named_parameters()}
        grads["grad.x"] = xx.grad.detach().to(torch.float64)
        grads["grad.h0"] = hh.grad.detach().to(torch.float64)
        return grads

    ref = run(torch.float64)
    f32 = run(torch.float32)
    ref32 = {k: v.to(torch.float32) for k, v in ref.items()}
    meta = {"module": "GRU", "input_size": str(I), "hidden_size": str(H), "batch": str(B), "seq_len": str(T),
            "bidirectional": "true", "seed": str(SEED), "torch_version": torch.__version__,
            "inputs": "splitmix64(seed) uniform [-1, 1) with 24-bit steps, times 1/sqrt(H) for parameters; "
                      "order: for '' then '_reverse': weight_ih, weight_hh, bias_ih, bias_hh; then x [T,B,I], "
                      "h0 [2,B,H], R [T,B,2H], Rh [2,B,H]",
            "reference": "float64 PyTorch gradients rounded to float32"}
    worst = {}
    for k in ref:
        d = (f32[k] - ref32[k].to(torch.float64)).abs().reshape(-1)
        worst[k] = {"max": float(d.max()), "p999": float(torch.quantile(d, 0.999)),
                    "max_vs_float64": float((f32[k] - ref[k]).abs().max())}
    meta["torch_float32_abs_error"] = json.dumps(worst, sort_keys=True)
    # safetensors: header JSON (names sorted), padded to 8, then the float32 data
    names = sorted(ref32)
    header = {"__metadata__": meta}
    offset = 0
    blobs = []
    for n in names:
        t = ref32[n].contiguous()
        data = struct.pack("<%df" % t.numel(), *t.reshape(-1).tolist())
        header[n] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    print(json.dumps(worst, indent=1))


if __name__ == "__main__":
    main()
