#!/usr/bin/python3
"""Golden parity cases in the format of shared/parity/README.md, for sizes and seeds other than the
published set, computed with Debian's PyTorch (python3-torch 1.13):

    /usr/bin/python3 models/src/test/python/make_parity_cases.py testdata/parity-extra

Every case is written twice, <case>_f64.json (computed in float64) and <case>_f32.json (float32),
with bit-identical inputs: everything is drawn once in float64 and rounded to float32, so the _f64
file is the near-exact answer for exactly the inputs a float32 engine reads. Values are written as
the shortest decimal that reads back to the same double (Python's repr, which json uses).
"""
import argparse
import json
import math
import os

import torch

SET = "extra"


def rounded(t):
    """float64 tensor holding values that are exact float32 numbers."""
    return t.to(torch.float32).to(torch.float64)


def normal(gen, *shape):
    return rounded(torch.randn(*shape, generator=gen, dtype=torch.float64))


def uniform(gen, bound, *shape):
    return rounded((torch.rand(*shape, generator=gen, dtype=torch.float64) * 2 - 1) * bound)


def entry(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        data = [int(v) for v in t.reshape(-1).tolist()]
    else:
        data = [float(v) for v in t.to(torch.float64).reshape(-1).tolist()]
    return {"shape": list(t.shape), "data": data}


def blas():
    cfg = torch.__config__.show()
    for line in cfg.splitlines():
        if "BLAS_INFO" in line or "OpenBLAS" in line:
            return line.strip()
    return "unknown"


def write(out_dir, name, meta, inputs, compute):
    """compute(dtype, inputs cast to dtype) -> ordered dict name -> tensor (inputs, outputs, grads)."""
    results = {}
    for dtype, suffix in ((torch.float64, "f64"), (torch.float32, "f32")):
        cast = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in inputs.items()}
        results[suffix] = compute(dtype, cast)
    ref = results["f64"]
    for suffix, dtype_name in (("f64", "float64"), ("f32", "float32")):
        tensors = results[suffix]
        doc = dict(meta)
        doc.update({"set": SET, "torch_version": torch.__version__, "blas": blas(), "dtype": dtype_name})
        if suffix == "f32":
            abs_diff, rel_diff = {}, {}
            for k, v in tensors.items():
                if not v.is_floating_point():
                    continue
                d = (v.detach().to(torch.float64) - ref[k].detach()).abs()
                abs_diff[k] = float(d.max()) if d.numel() else 0.0
                scale = ref[k].detach().abs().clamp_min(1e-30)
                rel_diff[k] = float((d / scale).max()) if d.numel() else 0.0
            doc["max_abs_diff_vs_float64"] = abs_diff
            doc["max_rel_diff_vs_float64"] = rel_diff
        doc["tensors"] = {k: entry(v) for k, v in tensors.items()}
        path = os.path.join(out_dir, f"{name}_{suffix}.json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"), allow_nan=False)
            f.write("\n")


GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
GATE_ORDER = {
    "RNN": "one block of H rows",
    "LSTM": "rows of W_ih/W_hh/b are [i | f | g | o], each H rows",
    "GRU": "rows of W_ih/W_hh/b are [r | z | n], each H rows; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))",
}


def recurrent(out_dir, name, seed, module, nonlinearity, I, H, B, T, L, bidirectional, bias=True, batch_first=False):
    gen = torch.Generator().manual_seed(seed)
    G, D = GATES[module], 2 if bidirectional else 1
    lstm = module == "LSTM"
    bound = 1 / math.sqrt(H)
    params = {}
    for k in range(L):
        for sfx in ([""] + (["_reverse"] if bidirectional else [])):
            params[f"weight_ih_l{k}{sfx}"] = uniform(gen, bound, G * H, I if k == 0 else D * H)
            params[f"weight_hh_l{k}{sfx}"] = uniform(gen, bound, G * H, H)
            if bias:
                params[f"bias_ih_l{k}{sfx}"] = uniform(gen, bound, G * H)
                params[f"bias_hh_l{k}{sfx}"] = uniform(gen, bound, G * H)
    lead = (B, T) if batch_first else (T, B)
    inputs = dict(params)
    inputs["x"] = normal(gen, *lead, I)
    inputs["h0"] = normal(gen, L * D, B, H)
    if lstm:
        inputs["c0"] = normal(gen, L * D, B, H)
    inputs["R"] = normal(gen, *lead, D * H)
    inputs["Rh"] = normal(gen, L * D, B, H)
    if lstm:
        inputs["Rc"] = normal(gen, L * D, B, H)

    def compute(dtype, v):
        kwargs = dict(input_size=I, hidden_size=H, num_layers=L, bias=bias, batch_first=batch_first,
                      bidirectional=bidirectional)
        if module == "RNN":
            net = torch.nn.RNN(nonlinearity=nonlinearity, **kwargs)
        else:
            net = getattr(torch.nn, module)(**kwargs)
        net = net.to(dtype)
        with torch.no_grad():
            for pname, p in net.named_parameters():
                p.copy_(v[pname])
        x = v["x"].clone().requires_grad_(True)
        h0 = v["h0"].clone().requires_grad_(True)
        if lstm:
            c0 = v["c0"].clone().requires_grad_(True)
            output, (hn, cn) = net(x, (h0, c0))
            loss = (output * v["R"]).sum() + (hn * v["Rh"]).sum() + (cn * v["Rc"]).sum()
        else:
            output, hn = net(x, h0)
            loss = (output * v["R"]).sum() + (hn * v["Rh"]).sum()
        loss.backward()
        res = {k: v[k] for k in params}
        for k in ("x", "h0", "c0", "R", "Rh", "Rc"):
            if k in v:
                res[k] = v[k]
        res["output"] = output
        res["h_n"] = hn
        if lstm:
            res["c_n"] = cn
        res["loss"] = loss
        named = dict(net.named_parameters())
        for k in params:
            res["grad." + k] = named[k].grad
        res["grad.x"] = x.grad
        res["grad.h0"] = h0.grad
        if lstm:
            res["grad.c0"] = c0.grad
        return res

    loss_def = "sum(output*R) + sum(h_n*Rh)" + (" + sum(c_n*Rc)" if lstm else "")
    meta = {"module": module, "nonlinearity": nonlinearity, "input_size": I, "hidden_size": H, "num_layers": L,
            "bidirectional": bidirectional, "batch_first": batch_first, "seq_len": T, "batch": B, "bias": bias,
            "seed": seed, "gate_order": GATE_ORDER[module], "loss_definition": loss_def}
    write(out_dir, name, meta, inputs, compute)


def linear_ce(out_dir, name, seed, F, C, N):
    gen = torch.Generator().manual_seed(seed)
    bound = 1 / math.sqrt(F)
    x = torch.randn(N, F, generator=gen, dtype=torch.float64)
    x[-1] *= 60  # logits of magnitude ~10-100: a naive exp overflows in float32
    inputs = {"weight": uniform(gen, bound, C, F), "bias": uniform(gen, bound, C), "x": rounded(x),
              "target": torch.randint(0, C, (N,), generator=gen)}

    def compute(dtype, v):
        w = v["weight"].clone().requires_grad_(True)
        b = v["bias"].clone().requires_grad_(True)
        xx = v["x"].clone().requires_grad_(True)
        logits = torch.nn.functional.linear(xx, w, b)
        logits.retain_grad()
        probs = torch.softmax(logits, dim=-1)
        loss = torch.nn.functional.cross_entropy(logits, v["target"])
        loss.backward()
        return {"weight": v["weight"], "bias": v["bias"], "x": v["x"], "target": v["target"], "logits": logits,
                "probs": probs, "loss": loss, "grad.weight": w.grad, "grad.bias": b.grad, "grad.x": xx.grad,
                "grad.logits": logits.grad}

    meta = {"module": "LinearCrossEntropy", "seed": seed, "in_features": F, "num_classes": C, "rows": N,
            "loss_definition": "cross_entropy(logits = x @ weight^T + bias, target), reduction=mean over rows",
            "batch_first": False}
    write(out_dir, name, meta, inputs, compute)


def embedding_ce(out_dir, name, seed, V, E, T, B):
    gen = torch.Generator().manual_seed(seed)
    used = V - 3  # ids drawn from the first V-3 rows: the last rows' gradients are exactly zero
    inputs = {"embedding.weight": normal(gen, V, E), "linear.weight": uniform(gen, 1 / math.sqrt(E), V, E),
              "linear.bias": uniform(gen, 1 / math.sqrt(E), V),
              "indices": torch.randint(0, used, (T, B), generator=gen),
              "target": torch.randint(0, V, (T, B), generator=gen)}

    def compute(dtype, v):
        table = v["embedding.weight"].clone().requires_grad_(True)
        w = v["linear.weight"].clone().requires_grad_(True)
        b = v["linear.bias"].clone().requires_grad_(True)
        embedded = torch.nn.functional.embedding(v["indices"], table)
        logits = torch.nn.functional.linear(embedded, w, b)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), v["target"].reshape(-1))
        loss.backward()
        res = {k: v[k] for k in ("embedding.weight", "linear.weight", "linear.bias", "indices", "target")}
        res.update({"embedded": embedded, "logits": logits, "loss": loss, "grad.embedding.weight": table.grad,
                    "grad.linear.weight": w.grad, "grad.linear.bias": b.grad})
        return res

    meta = {"module": "EmbeddingLinearCrossEntropy", "seed": seed, "num_embeddings": V, "embedding_dim": E,
            "seq_len": T, "batch": B,
            "loss_definition": "embedded = embedding.weight[indices] ([T,B,dim]); logits = embedded @ linear.weight^T"
                               " + linear.bias ([T,B,vocab]); loss = cross_entropy over all T*B positions against"
                               " target, reduction=mean",
            "batch_first": False}
    write(out_dir, name, meta, inputs, compute)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output directory")
    ap.add_argument("--seed", type=int, default=2000, help="base seed; case k uses seed + k")
    ap.add_argument("--sizes", type=int, nargs=4, default=[5, 7, 3, 6], metavar=("I", "H", "B", "T"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    I, H, B, T = a.sizes
    seed = a.seed
    cases = [
        ("rnn_tanh_L1", "RNN", "tanh", 1, False, {}),
        ("rnn_relu_bi_L2", "RNN", "relu", 2, True, {}),
        ("lstm_L2", "LSTM", None, 2, False, {}),
        ("lstm_bi_L1", "LSTM", None, 1, True, {}),
        ("gru_L1", "GRU", None, 1, False, {}),
        ("gru_bi_L2", "GRU", None, 2, True, {}),
        ("gru_L2_nobias", "GRU", None, 2, False, {"bias": False}),
        ("lstm_bi_L1_batch_first", "LSTM", None, 1, True, {"batch_first": True}),
        ("rnn_tanh_L2_batch_first_nobias", "RNN", "tanh", 2, False, {"batch_first": True, "bias": False}),
    ]
    for k, (name, module, nl, L, bi, extra) in enumerate(cases):
        recurrent(a.out, name, seed + k, module, nl, I, H, B, T, L, bi, **extra)
    linear_ce(a.out, "linear_ce", seed + len(cases), F=9, C=7, N=5)
    embedding_ce(a.out, "embedding_ce", seed + len(cases) + 1, V=13, E=6, T=T, B=B)
    index = {"set": SET, "torch_version": torch.__version__, "sizes_IHBT": [I, H, B, T], "base_seed": seed,
             "files": sorted(f for f in os.listdir(a.out) if f.endswith(".json") and f != "index.json")}
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
