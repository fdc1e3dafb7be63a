#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CUDA path end to end on a machine with an NVIDIA GPU: builds SegOid against the CUDA LibTorch
# of a pip PyTorch, trains briefly with device: cuda (float32, then mixed_precision with the
# gradient scaler), predicts the test plates on the GPU and on the CPU, and writes logs and
# summary.txt (patches/s, tiles/s, GPU vs CPU mask Dice; the bound is Dice >= 0.999).
# Usage: tools/gpu_check.sh [OUT_DIR=/tmp/segoid-gpu-check]   (env: PYTHON, EPOCHS, IMAGES, TORCH_PREFIX)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/segoid-gpu-check}"
python="${PYTHON:-python3}"
epochs="${EPOCHS:-3}"
images="${IMAGES:-8}"
mkdir -p "$out"
log() { echo "[gpu_check] $*" | tee -a "$out/summary.txt"; }
: > "$out/summary.txt"

# 1. A CUDA LibTorch: the one inside pip's PyTorch, unless TORCH_PREFIX names another.
if [ -z "${TORCH_PREFIX:-}" ]; then
  TORCH_PREFIX="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
fi
"$python" - <<'PY' | tee -a "$out/summary.txt"
import torch
print(f"[gpu_check] torch {torch.__version__}, CUDA {torch.version.cuda}, available {torch.cuda.is_available()}, "
      f"device {torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-'}, "
      f"cxx11 ABI {torch._C._GLIBCXX_USE_CXX11_ABI}")
if not torch._C._GLIBCXX_USE_CXX11_ABI:
    print("[gpu_check] this PyTorch uses the old C++ ABI, which cannot link with Debian's OpenCV/yaml-cpp; "
          "set TORCH_PREFIX to an unzipped libtorch-cxx11-abi-shared-with-deps (pytorch.org) instead")
PY

# 2. Build.
build="$out/build-cuda"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" \
  > "$out/cmake.log" 2>&1 || { log "cmake failed: see $out/cmake.log"; tail -20 "$out/cmake.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target segoid > "$out/build.log" 2>&1 \
  || { log "build failed: see $out/build.log"; tail -30 "$out/build.log"; exit 1; }
segoid="$build/segoid"
log "built $segoid against $TORCH_PREFIX"

# 3. Data: synthetic plates, validated and split.
data="$out/data"
rm -rf "$data"
"$segoid" synth --out "$data" --images "$images" --seed 5 > "$out/synth.log" 2>&1
"$segoid" validate_dataset --input-dir "$data/working" --output-dir "$data/splits" > "$out/validate.log" 2>&1 || true
"$segoid" make_splits --manifest "$data/splits/all.csv" --seed 42 --output-dir "$data/splits" > "$out/split.log" 2>&1

# 4. Train on the GPU, float32 and mixed precision.
train_run() {  # name, mixed_precision
  local name="$1" mp="$2" config="$out/train_$1.yaml"
  sed -e "s|^seed:.*|seed: 42|" "$root/configs/demo.yaml" > "$config"
  cat >> "$config" <<YAML
data:
  train_manifest: $data/splits/train.csv
  val_manifest: $data/splits/val.csv
  data_root: $data
output:
  run_dir: $out/runs_$name
device: cuda
mixed_precision: $mp
YAML
  sed -i "s|^  epochs:.*|  epochs: $epochs|; s|^  max_minutes:.*|  max_minutes: 0|" "$config"
  "$segoid" train --config "$config" > "$out/train_$name.log" 2>&1 || { log "train $name failed: see $out/train_$name.log"; return 1; }
  local run; run="$(ls -d "$out/runs_$name"/train_* | tail -1)"
  local patches; patches=$(awk -F, 'NR > 1 {n++} END {print n}' "$data/splits/train.csv")
  local ppi; ppi=$(sed -n 's/^  patches_per_image: *//p' "$config")
  awk -F, -v n="$((patches * ppi))" -v name="$name" 'NR > 1 {s += $NF; e++; last = $7} END {
    printf "[gpu_check] train %s: %d epochs, %.1f patches/s (epoch incl. validation), last val Dice %.4f\n", name, e, n * e / s, last }' \
    "$run/val_metrics.csv" | tee -a "$out/summary.txt"
  echo "$run"
}
run_fp32="$(train_run fp32 false | tail -1)"
run_amp="$(train_run amp true | tail -1)" || true
grep -h "inf/nan\|skipped" "$out/train_amp.log" | head -3 >> "$out/summary.txt" || true

# 5. Predict the test plates on the GPU and the CPU with the same checkpoint; compare the masks.
ckpt="$run_fp32/checkpoints/best_model.pth"
for dev in cuda cpu; do
  "$segoid" predict_full --checkpoint "$ckpt" --manifest "$data/splits/test.csv" --data-root "$data" \
    --output-dir "$out/predict_$dev" --device "$dev" --force > "$out/predict_$dev.log" 2>&1
  awk -v dev="$dev" '/^  tiles:/ {t = $2} /^  wall_seconds:/ {w = $2} /^  model_seconds:/ {m = $2} END {
    printf "[gpu_check] predict_full %s: %d tiles, %.1f tiles/s end to end, %.1f tiles/s in the model\n", dev, t, t / w, t / m }' \
    "$out/predict_$dev/predict_meta.yaml" | tee -a "$out/summary.txt"
done
"$python" - "$out/predict_cuda" "$out/predict_cpu" <<'PY' | tee -a "$out/summary.txt"
import glob, os, sys
import numpy as np
try:
    import tifffile
    read = tifffile.imread
except ImportError:
    from PIL import Image
    read = lambda p: np.array(Image.open(p))
worst = 1.0
for gpu in sorted(glob.glob(os.path.join(sys.argv[1], "*_pred_mask.tif"))):
    a = read(gpu) > 0
    b = read(os.path.join(sys.argv[2], os.path.basename(gpu))) > 0
    total = a.sum() + b.sum()
    dice = 1.0 if total == 0 else 2.0 * (a & b).sum() / total
    worst = min(worst, dice)
    print(f"[gpu_check] {os.path.basename(gpu)}: GPU vs CPU mask Dice {dice:.5f}")
print(f"[gpu_check] GPU vs CPU: worst mask Dice {worst:.5f} ({'OK' if worst >= 0.999 else 'DIFFERS'}: bound 0.999)")
PY
log "logs and summary in $out"
