#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark; each prints its own ratio against a reference run in the same script, and
# the issue-12 goals as "GOAL ... MET/MISSED" lines (run on a quiet machine). The fourth goal,
# `make demo` within 10 minutes, is the demo's own closing line (total seconds).
# Usage: bench/run_all.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
echo "== image I/O (libtiff reader/writer vs OpenCV)";        "$build/image_io_bench"
echo "== regionprops (vs scikit-image)";                       "$build/regionprops_bench"
echo "== patch sampler (vs the ~6 patches/s training step)";   "$build/bench_patch_sampler" 40
echo "== inference form (folded BN + channels_last vs plain)"; "$build/bench_inference_form" 10
echo "== training step and epoch (vs Python PyTorch; goal >= 1.1x, best layout each side)"
bash "$here/bench_train.sh" "$build"
echo "== predict_full (vs the Python SegOid algorithm; goals >= 1.5x and >= 60% of the model-only floor)"
bash "$here/bench_predict.sh" "$build"
