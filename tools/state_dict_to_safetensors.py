#!/usr/bin/env python3
"""Writes a PyTorch state_dict as a safetensors file, with torch only (no `safetensors` package).

    python3 tools/state_dict_to_safetensors.py model.pt model.safetensors
    python3 tools/state_dict_to_safetensors.py checkpoint.pt model.safetensors --key model_state_dict

The input is anything torch.load reads that is (or holds, under --key) a dict of tensors, e.g. the file
of torch.save(model.state_dict(), "model.pt"). It is loaded with weights_only=True where the PyTorch
version has it (1.13 and later), so a hostile pickle is refused rather than run.

The output follows the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
little-endian header length, a JSON header {"__metadata__": {...}, name: {"dtype", "shape",
"data_offsets"}} padded with spaces to a multiple of 8, then each tensor's bytes, contiguous and
little-endian, in name order. Views and tensors sharing storage are written as independent copies.

lanegrad reads .pt files directly (Module.loadParameters(path) picks the format by content); this script
is for other tools, or to keep only the weights of a larger checkpoint.
"""
import argparse
import json
import struct
import sys

import torch

DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def load_state_dict(path, key):
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # PyTorch < 1.13 has no weights_only
        obj = torch.load(path, map_location="cpu")
    if key is not None:
        obj = obj[key]
    if not isinstance(obj, dict):
        sys.exit(f"{path}: holds a {type(obj).__name__}, expected a dict of tensors (save model.state_dict())")
    for name, value in obj.items():
        if not isinstance(name, str) or not torch.is_tensor(value):
            sys.exit(f"{path}: entry {name!r} is a {type(value).__name__}, expected a tensor (use --key?)")
        if value.dtype not in DTYPES:
            sys.exit(f"{path}: tensor {name} has dtype {value.dtype}, which safetensors cannot hold")
    return obj


def tensor_bytes(t):
    flat = t.detach().cpu().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""


def write_safetensors(state_dict, path, metadata):
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name in sorted(state_dict):
        data = tensor_bytes(state_dict[name])
        header[name] = {"dtype": DTYPES[state_dict[name].dtype], "shape": list(state_dict[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="a torch.save file (.pt, .pth)")
    parser.add_argument("output", help="the safetensors file to write")
    parser.add_argument("--key", help="the entry of a checkpoint dict that holds the state_dict")
    args = parser.parse_args()
    if sys.byteorder != "little":
        sys.exit("this script writes the tensors' bytes as they are in memory: run it on a little-endian machine")
    state_dict = load_state_dict(args.input, args.key)
    write_safetensors(state_dict, args.output, {"format": "pt"})
    print(f"{args.output}: {len(state_dict)} tensors")


if __name__ == "__main__":
    main()
