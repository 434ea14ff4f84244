#!/usr/bin/python3
"""Writes lstm_exported.safetensors the way the README tells PyTorch users to export a model for lanegrad:
the state_dict plus the layer's configuration in the safetensors metadata (values made with str(), as a
user would), and lstm_exported.json (ParityCase format) with an input x and PyTorch's outputs.

safetensors.torch.save_file is emulated by make_safetensors_fixture.save_file (Debian has no safetensors).
Run: /usr/bin/python3 models/src/test/resources/nn/export_lstm.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from make_safetensors_fixture import save_file, tensor_json  # noqa: E402

torch.manual_seed(7)
lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, dropout=0.2)
meta = {"format": "pt", "module": "LSTM", "mode": "LSTM", "input_size": str(lstm.input_size),
        "hidden_size": str(lstm.hidden_size), "num_layers": str(lstm.num_layers), "bias": str(lstm.bias),
        "batch_first": str(lstm.batch_first), "dropout": str(lstm.dropout), "bidirectional": str(lstm.bidirectional)}
save_file({k: v.contiguous() for k, v in lstm.state_dict().items()}, os.path.join(HERE, "lstm_exported.safetensors"), meta)

lstm.eval()
x = torch.randn(2, 6, 3)
with torch.no_grad():
    out, (h, c) = lstm(x)
side = {"module": "LSTM", "metadata": meta, "torch_version": torch.__version__,
        "tensors": {"x": tensor_json(x), "output": tensor_json(out), "h_n": tensor_json(h), "c_n": tensor_json(c)}}
with open(os.path.join(HERE, "lstm_exported.json"), "w") as f:
    json.dump(side, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
