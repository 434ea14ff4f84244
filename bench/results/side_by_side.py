#!/usr/bin/env python3
"""The side-by-side table of docs/benchmarks.md from one sitting's JSON rows, or the README's summary of rounds.

usage: side_by_side.py DIR                 every system at 1 and 2 threads, one round
       side_by_side.py --summary DIR...    per cell: lanegrad's best, the best peer (which, at which thread
                                           count) and the ratio, one column per round (the README's tables)

DIR holds lg-1t.json and lg-2t.json from `lanegrad bench --threads 1|2 --json`, and pytorch2.7.1_rows.json /
ort1.20_rows.json from ../shared/peers/*/run.sh, pytorch1.13-1t.json / pytorch1.13-2t.json from
bench/pytorch/bench_rnn.py --json (bench/sitting.sh writes one DIR per round); a peer whose files are missing is
left out.
"""
import json
import os
import sys

UNITS = {"S1": "ms/seq", "S2": "us/step", "S3": "ms/step", "S4": "ms/step", "S5": "seq/s", "LM": "tokens/s"}
HIGHER_BETTER = {"S5", "LM"}


def rows(d, name):
    path = os.path.join(d, name)
    if not os.path.exists(path):
        return {}
    return {(r["case"], r["cell"], r["threads"]): r["value"] for r in json.load(open(path))}


def systems(d):
    """(ours, [(peer name, rows)]) of one round, each rows keyed by (case, cell, threads)."""
    ours = {**rows(d, "lg-1t.json"), **rows(d, "lg-2t.json")}
    peers = [("PyTorch 2.7.1", rows(d, "pytorch2.7.1_rows.json")), ("ONNX Runtime 1.20", rows(d, "ort1.20_rows.json")),
             ("PyTorch 1.13", {**rows(d, "pytorch1.13-1t.json"), **rows(d, "pytorch1.13-2t.json")})]
    return ours, [(name, p) for name, p in peers if p]


def cells(ours):
    for case in UNITS:
        for cell in ["rnn", "lstm", "gru"]:
            if (case, cell, 1) in ours or (case, cell, 2) in ours:
                yield case, cell


def best(case, candidates):
    """The best (value, label) of candidates, by the case's direction; None when there are none."""
    candidates = [c for c in candidates if c[0] is not None]
    if not candidates:
        return None
    return (max if case in HIGHER_BETTER else min)(candidates, key=lambda c: c[0])


def ratio(case, mine, theirs):
    """lanegrad / best peer, > 1 when lanegrad is ahead, bold when a peer is."""
    r = mine / theirs if case in HIGHER_BETTER else theirs / mine
    return f"**{r:.2f}x**" if r < 1 else f"{r:.2f}x"


def fmt(v):
    if v is None:
        return "-"
    return f"{v:,.0f}" if v >= 1000 else f"{v:.3g}" if v < 10 else f"{v:.1f}"


def row(cells_text):
    print("| " + " | ".join(cells_text) + " |")


def table(d):
    ours, peers = systems(d)
    head = ["case", "cell", "unit", "lanegrad 1t", "lanegrad 2t"]
    for name, _ in peers:
        head += [f"{name} 1t", f"{name} 2t"]
    row(head + ["lanegrad best / best peer"])
    row(["---"] * 3 + ["---:"] * (len(head) - 2))
    for case, cell in cells(ours):
        mine = [ours.get((case, cell, t)) for t in (1, 2)]
        line = [case, cell, UNITS[case]] + [fmt(v) for v in mine]
        theirs = []
        for name, p in peers:
            vs = [p.get((case, cell, t)) for t in (1, 2)]
            line += [fmt(v) for v in vs]
            theirs += [(v, name) for v in vs]
        b = best(case, theirs)
        line.append(ratio(case, best(case, [(v, "") for v in mine])[0], b[0]) if b else "-")
        row(line)


def summary(dirs):
    rounds = [systems(d) for d in dirs]
    sep = " / "
    row(["case", "cell", "unit", "lanegrad (best of 1t, 2t)", "best peer", "lanegrad / best peer"])
    row(["---"] * 3 + ["---:", "---", "---:"])
    for case, cell in cells(rounds[0][0]):
        mine, theirs, ratios = [], [], []
        for ours, peers in rounds:
            m = best(case, [(ours.get((case, cell, t)), f"{t}t") for t in (1, 2)])
            b = best(case, [(p.get((case, cell, t)), f"{name} {t}t") for name, p in peers for t in (1, 2)])
            mine.append(f"{fmt(m[0])} ({m[1]})" if m else "-")
            theirs.append(f"{fmt(b[0])} ({b[1]})" if b else "-")
            ratios.append(ratio(case, m[0], b[0]) if m and b else "-")
        row([case, cell, UNITS[case], sep.join(mine), sep.join(theirs), sep.join(ratios)])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summary"] and len(sys.argv) > 2:
        summary(sys.argv[2:])
    elif len(sys.argv) == 2:
        table(sys.argv[1])
    else:
        sys.exit(__doc__)
