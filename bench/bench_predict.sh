#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wall time of `segoid predict_full` against the Python SegOid's algorithm on one 2048x2048
# synthetic plate, same weights, same tiles; checks that the probabilities agree within 1e-4.
# Then background tiles (issue 29 §2): a trained model's float32 full pass against
# --skip-background on one plate of each synth style, with the Dice of the skipping masks against
# the full pass's (a random-weight model finds no background, so this part needs SKIP_MODEL).
# Usage: bench/bench_predict.sh [BUILD_DIR]   (env: THREADS, TILE, BATCH, SIZE=2048 (plate side, px),
#        SKIP_MODEL=models/spheroid-base.pth (absent: no background-tile lines), KEEP=1 to keep the work dir)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
segoid="$build/segoid"
python=/usr/bin/python3
threads="${THREADS:-$(nproc)}"
tile="${TILE:-256}"
overlap=0.25
batch="${BATCH:-4}"
size="${SIZE:-2048}"
work="$(mktemp -d /tmp/segoid-bench-predict-XXXXXX)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

echo "== bench_predict: ${size}x${size} plate, tile $tile, overlap $overlap, $threads thread(s), work dir $work"
avx512=no
grep -qw avx512f /proc/cpuinfo && avx512=yes
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) core(s), AVX2 $(grep -qw avx2 /proc/cpuinfo && echo yes || echo no), AVX-512 $avx512"
"$segoid" synth --out "$work/synth" --images 1 --size "${size}x${size}" --bit-depth 8 --seed 7 >/dev/null
image="$(ls "$work"/synth/working/images/* | head -1)"
"$python" "$here/bench_predict_reference.py" make-weights "$work/weights.pth" --seed 0

# First use on this machine: predict_full measures its inference form once and caches the
# choice; do that on a small plate first so that the timed runs below see a warm cache.
export SEGOID_CACHE_DIR="$work/cache"
"$segoid" synth --out "$work/warm" --images 1 --size 512x512 --bit-depth 8 --seed 3 >/dev/null
tw0=$(now)
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$work/warm/working/images" \
  --output-dir "$work/warm_out" --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu \
  2>&1 | grep -i "inference form\|bf16" || true
tw1=$(now)
echo "first use (inference-form measurement + a 512x512 plate): $(echo "$tw1 - $tw0" | bc) s, not in the timings below"

# Python SegOid: tile by tile, batch 1, NCHW, plain BatchNorm, mean blending.
t0=$(now)
"$python" "$here/bench_predict_reference.py" predict "$image" "$work/weights.pth" "$work/reference.npy" \
  --tile "$tile" --overlap "$overlap" --threads "$threads" | tee "$work/python.txt"
t1=$(now)

# SegOid, the same tiles and blending (mean, no edge margin) so the maps are comparable.
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$image" --output-dir "$work/ours" \
  --tile-size "$tile" --overlap "$overlap" --blend mean --edge-margin 0 --no-fill-holes \
  --batch-size "$batch" --threads "$threads" --device cpu 2>/dev/null | tee "$work/ours.txt"
t2=$(now)

# SegOid's defaults (gaussian blending, edge margin) for the record.
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$image" --output-dir "$work/ours_default" \
  --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu >/dev/null 2>&1
t3=$(now)

# Model-only floor: the model's FLOPs for the image area once, at the rate the model reaches
# here on full batches with nothing around it (bench_predict_profile), and the time split.
"$build/bench_predict_profile" "$work/weights.pth" "$image" "$tile" "$overlap" "$batch" "$threads" \
  2>/dev/null | tee "$work/profile.txt"
"$python" "$here/bench_predict_reference.py" flops --tile "$tile" | tee "$work/flops.txt"

prob="$(ls "$work"/ours/*_pred_prob.tif)"
"$python" "$here/bench_predict_reference.py" compare "$work/reference.npy" "$prob"

tiles=$(sed -n 's/.*tiles=\([0-9]*\).*/\1/p' "$work/python.txt")
model_s=$(sed -n 's/^ *model_seconds: \(.*\)/\1/p' "$work/ours/predict_meta.yaml")
wall_s=$(sed -n 's/^ *wall_seconds: \(.*\)/\1/p' "$work/ours/predict_meta.yaml")
floor_s=$(sed -n 's/^model-only floor: \([0-9.]*\) s (image area once at \([0-9.]*\) px\/s.*/\1/p' "$work/profile.txt")
px_rate=$(sed -n 's/^model-only floor: [0-9.]* s (image area once at \([0-9.]*\) px\/s.*/\1/p' "$work/profile.txt")
flops_px=$(sed -n 's/.*flops_per_pixel=\([0-9.]*\).*/\1/p' "$work/flops.txt")
awk -v py="$(echo "$t1 - $t0" | bc)" -v ours="$(echo "$t2 - $t1" | bc)" -v dflt="$(echo "$t3 - $t2" | bc)" \
    -v tiles="$tiles" -v model_s="$model_s" -v wall_s="$wall_s" -v floor_s="$floor_s" -v px_rate="$px_rate" \
    -v flops_px="$flops_px" 'BEGIN {
  printf "tiles: %d\n", tiles
  printf "python SegOid (process): %.2f s, %.2f tiles/s\n", py, tiles / py
  printf "segoid predict_full (process): %.2f s, %.2f tiles/s\n", ours, tiles / ours
  printf "segoid predict_full, default gaussian blending (process): %.2f s\n", dflt
  printf "speed-up end to end, Python algorithm (mean blending): %.2fx\n", py / ours
  printf "GOAL bench_predict, defaults vs the Python SegOid algorithm: %.2fx (goal >= 1.5x) %s\n", py / dflt,
         (py / dflt >= 1.5) ? "MET" : "MISSED"
  printf "model-only floor: %.2f s = the plate once, %.0f FLOP/px at %.1f GFLOP/s measured (%.0f px/s)\n",
         floor_s, flops_px, flops_px * px_rate / 1e9, px_rate
  printf "GOAL model use in predict, defaults: floor / process time = %.0f%% (goal >= 60%%) %s\n",
         100 * floor_s / dflt, (floor_s / dflt >= 0.6) ? "MET" : "MISSED"
  printf "share of segoid run time outside the model: %.1f%% (%.2f of %.2f s in run_predict_full; target < 10%%)\n",
         100 * (wall_s - model_s) / wall_s, wall_s - model_s, wall_s
  printf "share of the whole segoid process outside the model: %.1f%% (%.2f of %.2f s, with start-up and model loading)\n",
         100 * (ours - model_s) / ours, ours - model_s, ours
}'

# Background tiles: per style, the float32 full pass (skipping off, the default) and
# --skip-background, same model and flags; the full pass's masks are the reference.
skip_model="${SKIP_MODEL:-$here/../models/spheroid-base.pth}"
echo "int8: not in predict_full yet (issue 29 section 1); no int8 line"
if [ ! -f "$skip_model" ]; then
  echo "background tiles: no trained model at $skip_model (set SKIP_MODEL); skipped"
  exit 0
fi
# The trained model's inference form is measured on first use too: not in the timings.
"$segoid" predict_full --checkpoint "$skip_model" --input "$work/warm/working/images" --output-dir "$work/warm_skip" \
  --batch-size "$batch" --threads "$threads" --device cpu >/dev/null 2>&1
meta_value() { sed -n "s/^ *$1: \(.*\)/\1/p" "$2/predict_meta.yaml"; }
full_total=0
skip_total=0
for style in fluorescence phase-contrast flat-well ula-round-bottom matrigel-dome rgb-jpeg; do
  "$segoid" synth --out "$work/styles/$style" --style "$style" --images 1 --size "${size}x${size}" --seed 11 \
    >/dev/null
  for mode in full skip; do
    extra=()
    [ "$mode" = skip ] && extra=(--skip-background)
    s0=$(now)
    "$segoid" predict_full --checkpoint "$skip_model" --input "$work/styles/$style/working/images" \
      --output-dir "$work/$mode/$style" --batch-size "$batch" --threads "$threads" --device cpu \
      --no-probabilities "${extra[@]}" >/dev/null 2>&1
    s1=$(now)
    eval "${mode}_s=$(echo "$s1 - $s0" | bc)"
  done
  full_total=$(echo "$full_total + $full_s" | bc)
  skip_total=$(echo "$skip_total + $skip_s" | bc)
  dice="$("$python" "$here/bench_predict_reference.py" mask-dice "$work/full/$style" "$work/skip/$style")"
  awk -v style="$style" -v full="$full_s" -v skip="$skip_s" -v tf="$(meta_value tiles "$work/full/$style")" \
      -v ts="$(meta_value tiles "$work/skip/$style")" -v sk="$(meta_value tiles_skipped "$work/skip/$style")" \
      -v mf="$(meta_value model_seconds "$work/full/$style")" -v ms="$(meta_value model_seconds "$work/skip/$style")" \
      -v dice="$dice" 'BEGIN {
    printf "background tiles, %s: float32 full pass %.2f s (%d tiles, model %.2f s); skipping %.2f s (%d tiles run with the coarse pass, %d skipped, model %.2f s); %.2fx; skipping masks vs float32: %s\n",
           style, full, tf, mf, skip, ts, sk, ms, full / skip, dice
  }'
done
awk -v full="$full_total" -v skip="$skip_total" 'BEGIN {
  printf "background tiles, all six styles: float32 full pass %.2f s, skipping %.2f s: %.2fx\n", full, skip, full / skip
}'
