#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Training throughput, C++ vs Python PyTorch on the same model and step, and a full epoch vs the
# pure step. Usage: bench/bench_train.sh [BUILD_DIR] [STEPS]  (all cores; batch 4, 256x256)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
STEPS=${2:-10}
PY=/usr/bin/python3
value() { sed -n 's/.*patches_per_s=\([0-9.]*\).*/\1/p'; }

cpp_plain=$("$BUILD/bench_train_step" --steps "$STEPS")
echo "$cpp_plain"
cpp_cl=$("$BUILD/bench_train_step" --steps "$STEPS" --channels-last)
echo "$cpp_cl"
py_plain=$($PY bench/bench_train_step.py --steps "$STEPS")
echo "$py_plain"
py_cl=$($PY bench/bench_train_step.py --steps "$STEPS" --channels-last)
echo "$py_cl"
epoch=$("$BUILD/bench_train_step" --steps "$STEPS" --epoch --workers 1)
echo "$epoch"

a=$(echo "$cpp_plain" | value); b=$(echo "$cpp_cl" | value)
c=$(echo "$py_plain" | value); d=$(echo "$py_cl" | value); e=$(echo "$epoch" | value)
awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" 'BEGIN {
  best_cpp = (a > b) ? a : b; best_py = (c > d) ? c : d;
  printf "C++ step: %.2f patches/s (contiguous) %.2f (channels_last)\n", a, b;
  printf "Python step: %.2f patches/s (contiguous) %.2f (channels_last)\n", c, d;
  printf "ratio C++/Python (contiguous): %.2fx   best vs best: %.2fx (target >= 1.0x)\n", a / c, best_cpp / best_py;
  printf "full epoch (sampling + augmentation + steps) / pure step (contiguous): %.3f (target >= 0.95)\n", e / a;
}'
