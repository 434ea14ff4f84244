#!/usr/bin/env python3
"""The side-by-side table of docs/benchmarks.md from one sitting's JSON rows.

usage: side_by_side.py DIR   (DIR holds lg-1t.json and lg-2t.json from `lanegrad bench --threads 1|2 --json`,
and pytorch2.7.1_rows.json / ort1.20_rows.json from ../shared/peers/*/run.sh, pytorch1.13-1t.json /
pytorch1.13-2t.json from bench/pytorch/bench_rnn.py --json; a peer whose files are missing is left out)
"""
import json
import os
import sys

d = sys.argv[1]


def rows(name):
    path = os.path.join(d, name)
    if not os.path.exists(path):
        return {}
    return {(r["case"], r["cell"], r["threads"]): r["value"] for r in json.load(open(path))}


ours = {**rows("lg-1t.json"), **rows("lg-2t.json")}
peers = [("PyTorch 2.7.1", rows("pytorch2.7.1_rows.json")), ("ONNX Runtime 1.20", rows("ort1.20_rows.json")),
         ("PyTorch 1.13", {**rows("pytorch1.13-1t.json"), **rows("pytorch1.13-2t.json")})]
peers = [(name, p) for name, p in peers if p]
units = {"S1": "ms/seq", "S2": "us/step", "S3": "ms/step", "S4": "ms/step", "S5": "seq/s", "LM": "tokens/s"}
higher_better = {"S5", "LM"}


def fmt(v):
    if v is None:
        return "-"
    return f"{v:,.0f}" if v >= 1000 else f"{v:.3g}" if v < 10 else f"{v:.1f}"


head = ["case", "cell", "unit", "lanegrad 1t", "lanegrad 2t"]
for name, _ in peers:
    head += [f"{name} 1t", f"{name} 2t"]
head.append("lanegrad best / best peer")
print("| " + " | ".join(head) + " |")
print("| " + " | ".join(["---"] * 3 + ["---:"] * (len(head) - 3)) + " |")
for case in ["S1", "S2", "S3", "S4", "S5", "LM"]:
    for cell in ["rnn", "lstm", "gru"]:
        if (case, cell, 1) not in ours:
            continue
        hb = case in higher_better
        best = max if hb else min
        mine = [ours.get((case, cell, t)) for t in (1, 2)]
        line = [case, cell, units[case]] + [fmt(v) for v in mine]
        theirs = []
        for _, p in peers:
            vs = [p.get((case, cell, t)) for t in (1, 2)]
            line += [fmt(v) for v in vs]
            theirs += [v for v in vs if v is not None]
        m = best(v for v in mine if v is not None)
        if theirs:
            b = best(theirs)
            ratio = m / b if hb else b / m
            cell_text = f"{ratio:.2f}x"
            line.append(f"**{cell_text}**" if ratio < 1 else cell_text)
        else:
            line.append("-")
        print("| " + " | ".join(line) + " |")
