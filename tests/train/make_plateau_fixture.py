# SPDX-License-Identifier: MIT
# Writes fixtures/plateau_lr.txt: the learning rates PyTorch's ReduceLROnPlateau gives for scripted
# metric sequences. Run once with /usr/bin/python3 (Debian's torch); the C++ test compares.
import math
import torch

METRICS = [1.0, 0.9, 0.9, 0.95, 0.8999, 0.91, 0.92, 0.5, 0.5, 0.50001, 0.49999, 0.6, 0.7, 0.8,
           float("nan"), 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3]
CASES = [
    ("min", 0.5, 2, 1e-5, 1e-3),
    ("min", 0.1, 0, 1e-6, 1e-2),
    ("max", 0.5, 1, 1e-4, 1e-3),
    ("min", 0.5, 5, 2e-4, 1e-3),
]

with open("fixtures/plateau_lr.txt", "w") as out:
    out.write("# mode factor patience min_lr initial_lr | lr after each step (metrics below)\n")
    out.write("metrics " + " ".join(repr(m) for m in METRICS) + "\n")
    for mode, factor, patience, min_lr, lr0 in CASES:
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=lr0)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=mode, factor=factor, patience=patience,
                                                           min_lr=min_lr)
        lrs = []
        for m in METRICS:
            sched.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        out.write(f"case {mode} {factor!r} {patience} {min_lr!r} {lr0!r} | " + " ".join(repr(v) for v in lrs) + "\n")
