#!/usr/bin/python3
"""Golden trajectories of torch.optim optimizers for lanegrad's optimizer tests.

Two parameters ([3, 4] and [5]) start from fixed values; six steps each apply a fixed gradient
(drawn once, in float64, rounded to float32) and record the parameters after the step. Run with
Debian's PyTorch: /usr/bin/python3 models/src/test/python/make_optimizer_golden.py
"""
import json
import os

import torch

torch.manual_seed(7)
STEPS = 6
shapes = [(3, 4), (5,)]
init = [torch.randn(*s, dtype=torch.float64).float() for s in shapes]
grads = [[torch.randn(*s, dtype=torch.float64).float() * 2 for s in shapes] for _ in range(STEPS)]
grads[2][1].zero_()  # a step with a zero gradient

configs = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum_wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.001),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adam_wd": lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.05),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                                               momentum=0.5, centered=True),
}


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


out = {"torch_version": torch.__version__, "steps": STEPS,
       "shapes": [list(s) for s in shapes],
       "init": [flat(t) for t in init],
       "grads": [[flat(g) for g in step] for step in grads],
       "cases": {}}
for name, make in configs.items():
    params = [t.clone().requires_grad_(True) for t in init]
    opt = make(params)
    trajectory = []
    for step in range(STEPS):
        for p, g in zip(params, grads[step]):
            p.grad = g.clone()
        opt.step()
        trajectory.append([flat(p.detach()) for p in params])
    out["cases"][name] = trajectory

path = os.path.join(os.path.dirname(__file__), "..", "resources", "optim", "optimizers.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(path))
