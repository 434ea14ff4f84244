#!/usr/bin/env python3
"""Writes the torch.save fixtures of lanegrad's PyTorch-file reader (dev.lanegrad.io.TorchFile).

Run from this folder with a PyTorch that writes the zip format (1.6 or later; the committed files come
from Debian's PyTorch 1.13):  /usr/bin/python3 make_fixtures.py

For each recurrent kind, a two-layer stack with a Linear head, saved as torch.save(model.state_dict()),
and <name>.json with the configuration, a fixed input and PyTorch's output for it (in the form of the
golden files, read with dev.lanegrad.io.ParityCase). The head's weight is
a transposed view (a strided tensor in the file). Then the same kinds with float64, float16 and bfloat16
storages (expected outputs from the rounded weights in float32), a state_dict of views sharing one
storage, the same with pickle protocol 4, and torch.save(model) (a pickled Python class, which the
reader must refuse).
"""
import json

import torch
from torch import nn

T, B, I, H, OUT = 4, 2, 3, 5, 2


class Net(nn.Module):
    def __init__(self, kind, **kw):
        super().__init__()
        self.kind = kind
        layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        setattr(self, kind, layer(I, H, num_layers=2, **kw))
        self.fc = nn.Linear(H, OUT)
        # a strided view: fc.weight [OUT, H] stored as the transpose of a [H, OUT] tensor
        self.fc.weight = nn.Parameter(self.fc.weight.detach().t().contiguous().t())

    def forward(self, x):
        return self.fc(getattr(self, self.kind)(x)[0])


def floats(t):
    return [float(v) for v in t.detach().double().reshape(-1)]


def tensor(t):
    """A tensor as lanegrad's golden files hold it (dev.lanegrad.io.ParityCase)."""
    return {"shape": list(t.shape), "data": floats(t)}


def write_model(name, kind, dtype=None, **kw):
    torch.manual_seed(sum(map(ord, name)))
    net = Net(kind, **kw).eval()
    if dtype is not None:
        net = net.to(dtype)
    torch.save(net.state_dict(), name + ".pt")
    reference = net.float()     # float32 model of the (rounded) stored weights: what lanegrad computes
    x = torch.randn(T, B, I)
    with torch.no_grad():
        y = reference(x)
    case = {"kind": kind, "prefix": kind, "input_size": I, "hidden_size": H, "num_layers": 2,
            "nonlinearity": kw.get("nonlinearity", "tanh"), "out_features": OUT,
            "dtype": str(dtype or torch.float32).replace("torch.", ""), "torch_version": torch.__version__,
            "tensors": {"input": tensor(x), "output": tensor(y)}}
    with open(name + ".json", "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")


def write_views(name, protocol):
    torch.manual_seed(7)
    base = torch.randn(3, 4)
    views = {"base": base, "row": base[1], "column": base[:, 2], "transposed": base.t(),
             "block": base[1:, 1:3], "scalar": base[2, 3], "separate": torch.arange(6.0).reshape(2, 3)}
    torch.save(views, name + ".pt", pickle_protocol=protocol)
    expected = {"torch_version": torch.__version__, "tensors": {k: tensor(v) for k, v in views.items()}}
    with open(name + ".json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    write_model("rnn_tanh_L2", "rnn")
    write_model("rnn_relu_L2", "rnn", nonlinearity="relu")
    write_model("lstm_L2", "lstm")
    write_model("gru_L2", "gru")
    write_model("lstm_L2_f64", "lstm", torch.float64)
    write_model("gru_L2_f16", "gru", torch.float16)
    write_model("rnn_tanh_L2_bf16", "rnn", torch.bfloat16)
    write_views("views", 2)
    write_views("views_proto4", 4)
    torch.manual_seed(0)
    torch.save(Net("lstm"), "whole_model.pt")
