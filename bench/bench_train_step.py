# SPDX-License-Identifier: MIT
# Python PyTorch side of bench_train.sh: the same Unet/ResNet18 (smp layout from
# shared/reference/smp_unet_reference.py), AdamW, BCE + batch soft Dice, batch 4 x 1 x 256 x 256.
# Prints patches/s in the same format as bench_train_step; --profile FILE as bench_train_step's.
import argparse
import contextlib
import os
import sys
import time

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--threads", type=int, default=0)
parser.add_argument("--channels-last", action="store_true")
parser.add_argument("--profile", default="", help="write the timed steps' profile as a Chrome trace")
parser.add_argument("--reference", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference"))
args = parser.parse_args()
sys.path.insert(0, args.reference)
from smp_unet_reference import Unet  # noqa: E402

threads = args.threads if args.threads > 0 else os.cpu_count()
torch.set_num_threads(threads)
torch.manual_seed(0)
model = Unet(in_channels=1, classes=1)
fmt = torch.channels_last if args.channels_last else torch.contiguous_format
model = model.to(memory_format=fmt)
model.train()
opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-4)
x = torch.rand(4, 1, 256, 256).contiguous(memory_format=fmt)
y = (torch.rand(4, 1, 256, 256) > 0.7).float()


def step():
    opt.zero_grad()
    logits = model(x)
    bce = F.binary_cross_entropy_with_logits(logits, y)
    p = torch.sigmoid(logits)
    dice = 1 - (2 * (p * y).sum() + 1e-7) / (p.sum() + y.sum() + 1e-7)
    (0.5 * bce + 0.5 * dice).backward()
    opt.step()
    with torch.no_grad():
        pred = torch.sigmoid(logits) > 0.5
        truth = y > 0.5
        _ = ((pred & truth).sum().item(), (pred & ~truth).sum().item(), (~pred & truth).sum().item())


for _ in range(2):
    step()
with torch.autograd.profiler.profile() if args.profile else contextlib.nullcontext() as profile:
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - start
if args.profile:
    profile.export_chrome_trace(args.profile)
print(f"mode=python channels_last={int(args.channels_last)} threads={threads} patches={4 * args.steps} "
      f"seconds={seconds:.3f} patches_per_s={4 * args.steps / seconds:.3f}")
