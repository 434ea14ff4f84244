#!/usr/bin/python3
"""Writes the safetensors fixtures of testdata/safetensors/.

For each small PyTorch module (fixed seed) this writes
  <name>.safetensors  the module's state_dict in exactly the layout of safetensors.torch.save_file
                      (Debian has no safetensors package, so the format is written here with struct
                      and json: 8-byte little-endian header size, compact JSON header with the tensors
                      sorted by (dtype, name) and offsets in that order, padded with spaces to a
                      multiple of 8, then the raw little-endian data);
  <name>.json         a side file in the golden-case format of shared/parity (readable with
                      dev.lanegrad.io.ParityCase): the state_dict values, an input x and
                      PyTorch's outputs (output, h_n, c_n for recurrent modules; y otherwise).

Run with Debian's Python, which has torch:  /usr/bin/python3 models/src/test/python/make_safetensors_fixture.py
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "safetensors")

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
# safetensors sorts by descending dtype alignment first (its Dtype enum order), then by name.
DTYPE_RANK = {"F16": 7, "BF16": 8, "F32": 11, "F64": 12}


def save_file(tensors, path, metadata=None):
    """What safetensors.torch.save_file(tensors, path, metadata) writes, for float tensors."""
    entries = []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        entries.append((name, DTYPES[t.dtype], list(t.shape), t.numpy().tobytes() if t.dtype != torch.bfloat16
                        else t.view(torch.int16).numpy().tobytes()))
    assert sys.byteorder == "little"
    entries.sort(key=lambda e: (-DTYPE_RANK[e[1]], e[0].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = dict(sorted(metadata.items()))
    offset = 0
    for name, dtype, shape, data in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, _, data in entries:
            f.write(data)


def tensor_json(t):
    t = t.detach().cpu()
    return {"shape": list(t.shape), "data": [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}


def fixture(name, module, fields, x, metadata=None):
    module.eval()
    with torch.no_grad():
        out = module(x)
    tensors = {k: tensor_json(v) for k, v in module.state_dict().items()}
    tensors["x"] = tensor_json(x)
    if isinstance(out, tuple):  # recurrent: output, h_n or (h_n, c_n)
        output, state = out
        tensors["output"] = tensor_json(output)
        if isinstance(state, tuple):
            tensors["h_n"] = tensor_json(state[0])
            tensors["c_n"] = tensor_json(state[1])
        else:
            tensors["h_n"] = tensor_json(state)
    else:
        tensors["y"] = tensor_json(out)
    save_file(module.state_dict(), os.path.join(OUT, name + ".safetensors"), metadata)
    side = dict(fields)
    side.update({
        "state_dict": list(module.state_dict().keys()),
        "metadata": metadata,
        "torch_version": torch.__version__,
        "tensors": tensors,
    })
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(side, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    T, B = 5, 2
    recurrent = {"input_size": 3, "hidden_size": 4, "batch_first": False, "bias": True, "seq_len": T, "batch": B,
                 "initial_state": "zeros"}

    torch.manual_seed(1)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    fixture("lstm", lstm, dict(recurrent, module="LSTM", num_layers=2, bidirectional=True, seed=1),
            torch.randn(T, B, 3), metadata={"format": "pt"})

    torch.manual_seed(2)
    gru = nn.GRU(3, 4)
    fixture("gru", gru, dict(recurrent, module="GRU", num_layers=1, bidirectional=False, seed=2),
            torch.randn(T, B, 3), metadata={"format": "pt", "module": "GRU"})

    torch.manual_seed(3)
    rnn = nn.RNN(3, 4, nonlinearity="relu")
    fixture("rnn_relu", rnn, dict(recurrent, module="RNN", nonlinearity="relu", num_layers=1, bidirectional=False,
                                  seed=3), torch.randn(T, B, 3))

    torch.manual_seed(4)
    linear = nn.Linear(4, 5)
    fixture("linear", linear, {"module": "Linear", "in_features": 4, "out_features": 5, "seed": 4},
            torch.randn(3, 4))

    torch.manual_seed(5)
    embedding = nn.Embedding(7, 3)
    fixture("embedding", embedding, {"module": "Embedding", "num_embeddings": 7, "embedding_dim": 3, "seed": 5},
            torch.tensor([[0, 6], [3, 3], [1, 5]]))
    # Other float dtypes, which lanegrad converts to float32 on reading; the side file holds the values
    # PyTorch gets by converting them to float32 (exact for F16 and BF16, rounded for F64).
    torch.manual_seed(6)
    special = torch.tensor([-0.0, 6e-8, 65504.0, -1.5e-5, 0.1])
    mixed = {
        "a_double": torch.randn(2, 3, dtype=torch.float64),
        "b_half": torch.cat([torch.randn(4), special]).half(),
        "c_bfloat": torch.randn(2, 2).bfloat16(),
        "d_float": torch.randn(3),
    }
    save_file(mixed, os.path.join(OUT, "mixed_dtypes.safetensors"))
    with open(os.path.join(OUT, "mixed_dtypes.json"), "w") as f:
        json.dump({"module": "none", "dtypes": {k: DTYPES[v.dtype] for k, v in mixed.items()},
                   "torch_version": torch.__version__,
                   "tensors": {k: tensor_json(v.float()) for k, v in mixed.items()}}, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote fixtures to", os.path.normpath(OUT), "with torch", torch.__version__)


if __name__ == "__main__":
    main()
