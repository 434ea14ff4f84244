#!/usr/bin/python3
"""PyTorch reference timings for lanegrad's recurrent benchmarks (CPU, float32, time-major, one layer).

Cases (cells rnn = tanh RNN, lstm, gru):
  S1  inference of one sequence      I=128  H=256  B=1   T=50   -> ms/seq
  S2  streaming one step, state kept I=128  H=256  B=1          -> us/step
  S3  training step                  I=128  H=256  B=32  T=50   -> ms/step  (forward, MSE on all outputs, backward; no optimizer)
  S4  training step, large           I=512  H=1024 B=64  T=32   -> ms/step
  S5  batched inference              I=128  H=256  B=64  T=50   -> seq/s
  LM  char-LM training step: Embedding(65,128) -> 2-layer LSTM 512 -> Linear(65), cross-entropy, Adam,
      B=32 T=64                                                  -> tokens/s   (cell lstm only)

Each figure is the median of --repeats timings taken after --warmup untimed runs; inference runs under
torch.no_grad(). Run with Debian's Python, which has torch:

  /usr/bin/python3 bench/pytorch/bench_rnn.py --threads 1 --json pytorch-1t.json
  /usr/bin/python3 bench/pytorch/bench_rnn.py --case S1,S2 --cell lstm --threads 2
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

CASES = ["S1", "S2", "S3", "S4", "S5", "LM"]
CELLS = ["rnn", "lstm", "gru"]
UNITS = {"S1": "ms/seq", "S2": "us/step", "S3": "ms/step", "S4": "ms/step", "S5": "seq/s", "LM": "tokens/s"}


def make_cell(cell, input_size, hidden_size, num_layers=1):
    if cell == "rnn":
        return nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity="tanh")
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, num_layers=num_layers)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, num_layers=num_layers)
    raise ValueError("unknown cell " + cell)


def median_seconds(fn, warmup, repeats, inner=1):
    """Median over `repeats` of the time of `inner` calls of fn, divided by inner."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def inference(cell, batch, args):
    """S1 (B=1) and S5 (B=64): one forward over T=50 steps; seconds per call."""
    torch.manual_seed(0)
    model = make_cell(cell, 128, 256).eval()
    x = torch.randn(50, batch, 128)

    def run():
        with torch.no_grad():
            model(x)

    return median_seconds(run, args.warmup, args.repeats, inner=args.inner)


def streaming(cell, args):
    """S2: one step at a time with the state carried; seconds per step."""
    torch.manual_seed(0)
    model = make_cell(cell, 128, 256).eval()
    steps = [torch.randn(1, 1, 128) for _ in range(100)]
    state = [None]

    def run():
        with torch.no_grad():
            h = state[0]
            for x in steps:
                _, h = model(x, h)
            state[0] = h

    return median_seconds(run, args.warmup, args.repeats) / len(steps)


def training(cell, input_size, hidden, batch, seq, args):
    """S3/S4: forward + MSE over all outputs + backward, gradients reset each step; seconds per step."""
    torch.manual_seed(0)
    model = make_cell(cell, input_size, hidden)
    x = torch.randn(seq, batch, input_size)
    target = torch.randn(seq, batch, hidden)
    loss_fn = nn.MSELoss()

    def run():
        for p in model.parameters():
            p.grad = None
        out, _ = model(x)
        loss_fn(out, target).backward()

    return median_seconds(run, args.warmup, args.repeats)


class CharLM(nn.Module):
    def __init__(self, vocab=65, embed=128, hidden=512, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)


def char_lm(args):
    """LM: a full Adam training step of the char-LM; seconds per step (B*T tokens)."""
    torch.manual_seed(0)
    model = CharLM()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    tokens = torch.randint(0, 65, (64, 32))
    targets = torch.randint(0, 65, (64, 32))
    loss_fn = nn.CrossEntropyLoss()

    def run():
        opt.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = loss_fn(logits.reshape(-1, 65), targets.reshape(-1))
        loss.backward()
        opt.step()

    return median_seconds(run, args.warmup, args.repeats)


def measure(case, cell, args):
    if case == "S1":
        return inference(cell, 1, args) * 1e3
    if case == "S2":
        return streaming(cell, args) * 1e6
    if case == "S3":
        return training(cell, 128, 256, 32, 50, args) * 1e3
    if case == "S4":
        return training(cell, 512, 1024, 64, 32, args) * 1e3
    if case == "S5":
        return 64 / inference(cell, 64, args)
    if case == "LM":
        return 32 * 64 / char_lm(args)
    raise ValueError(case)


def loaded_blas():
    """Paths of the BLAS libraries this process has loaded (Debian's torch links the system libblas.so.3,
    whose alternative is usually OpenBLAS, not a BLAS of its own: BLAS_INFO=generic)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure BLAS is loaded
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower() and path not in libs:
                    libs.append(path)
    except OSError:
        pass
    return libs


def openblas():
    for path in loaded_blas():
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib, path
        except (OSError, AttributeError):
            pass
    return None, None


def set_blas_threads(n):
    """torch.set_num_threads sets OpenMP's threads, but a torch built against the generic BLAS does not
    pass the number on to OpenBLAS's own pthread pool; do it here so that --threads 1 means one thread."""
    lib, _ = openblas()
    if lib is not None:
        lib.openblas_set_num_threads(ctypes.c_int(n))


def blas_info():
    lib, path = openblas()
    if lib is not None:
        return "%s, %d threads (%s)" % (lib.openblas_get_config().decode().strip(), lib.openblas_get_num_threads(),
                                       os.path.realpath(path))
    return ", ".join(os.path.realpath(p) for p in loaded_blas()) or "none found"


def parse_list(text, allowed, what):
    items = [s.strip() for s in text.split(",") if s.strip()]
    if items == ["all"]:
        return list(allowed)
    items = [s.upper() if what == "case" else s.lower() for s in items]
    for s in items:
        if s not in allowed:
            sys.exit("unknown %s %r; choose from %s or all" % (what, s, ", ".join(allowed)))
    return items


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    p.add_argument("--case", default="all", help="comma-separated: " + ",".join(CASES) + " or all")
    p.add_argument("--cell", default="all", help="comma-separated: " + ",".join(CELLS) + " or all (LM is always lstm)")
    p.add_argument("--json", metavar="FILE", help="write the results as a JSON list")
    p.add_argument("--warmup", type=int, default=5, help="untimed runs before timing (default 5)")
    p.add_argument("--repeats", type=int, default=21, help="timed runs; the median is reported (default 21)")
    p.add_argument("--inner", type=int, default=10, help="calls per timed run for the short S1/S5 cases (default 10)")
    p.add_argument("--quick", action="store_true", help="warmup 1, repeats 3, inner 2: only to check that it runs")
    args = p.parse_args()
    if args.quick:
        args.warmup, args.repeats, args.inner = 1, 3, 2
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        set_blas_threads(args.threads)
    cases = parse_list(args.case, CASES, "case")
    cells = parse_list(args.cell, CELLS, "cell")

    print("torch", torch.__version__, "| threads", torch.get_num_threads(), "| python", sys.version.split()[0])
    print(torch.__config__.show().strip())
    print(torch.__config__.parallel_info().strip())
    print("BLAS:", blas_info())
    print("warmup %d, repeats %d (median)" % (args.warmup, args.repeats))

    results = []
    for case in cases:
        for cell in (["lstm"] if case == "LM" else cells):
            value = measure(case, cell, args)
            results.append({"case": case, "cell": cell, "threads": torch.get_num_threads(),
                            "value": round(value, 4), "unit": UNITS[case]})
            print("%-3s %-5s %12.3f %s" % (case, cell, value, UNITS[case]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
        print("wrote", args.json)


if __name__ == "__main__":
    main()
