#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wall time of `segoid predict_full` against the Python SegOid's algorithm on one 2048x2048
# synthetic plate, same weights, same tiles; checks that the float32 probabilities agree within 1e-4.
# Then, with a trained model (SKIP_MODEL; random weights find no objects to calibrate int8 on or
# background to skip):
# - int8 (issue 29 §1): the Python algorithm, float32 and int8 on that plate at the model's scale 1,
#   and the defaults (`auto`), against the Python run; the defaults with int8 ranges cached by a
#   run on another plate (later runs of a checkpoint), and on the first run, which calibrates;
# - per synth style: the float32 full pass, --skip-background (issue 29 §2), int8, the defaults
#   (auto: int8 where it is faster and each run's check passes) and (where the CPU runs it) bf16,
#   with the Dice of each mask set against float32's.
# Usage: bench/bench_predict.sh [BUILD_DIR]   (env: THREADS, TILE, BATCH (0 = measured, the default),
#        SIZE=2048 (plate side, px), ROUNDS=3 (runs of each trained-model timing; medians),
#        SKIP_MODEL=models/spheroid-base.pth (absent: no background-tile lines), KEEP=1 to keep the work dir)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
segoid="$build/segoid"
python=/usr/bin/python3
threads="${THREADS:-$(nproc)}"
tile="${TILE:-256}"
overlap=0.25
batch="${BATCH:-0}"
size="${SIZE:-2048}"
work="$(mktemp -d /tmp/segoid-bench-predict-XXXXXX)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

echo "== bench_predict: ${size}x${size} plate, tile $tile, overlap $overlap, $threads thread(s), work dir $work"
avx512=no
grep -qw avx512f /proc/cpuinfo && avx512=yes
# oneDNN (the convolutions, float and int8) is the only AVX-512 user in Debian's LibTorch: capped
# at AVX2, this run stands for an AVX2-only CPU.
[ "$avx512" = yes ] && [ "${ONEDNN_MAX_CPU_ISA:-}" = AVX2 ] && avx512="no (capped: ONEDNN_MAX_CPU_ISA=AVX2)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) core(s), AVX2 $(grep -qw avx2 /proc/cpuinfo && echo yes || echo no), AVX-512 $avx512"
"$segoid" synth --out "$work/synth" --images 1 --size "${size}x${size}" --bit-depth 8 --seed 7 >/dev/null
image="$(ls "$work"/synth/working/images/* | head -1)"
"$python" "$here/bench_predict_reference.py" make-weights "$work/weights.pth" --seed 0

# First use on this machine: predict_full measures its inference form and batch size once and
# caches them; do that on a small plate first so that the timed runs below see a warm cache.
export SEGOID_CACHE_DIR="$work/cache"
"$segoid" synth --out "$work/warm" --images 1 --size 512x512 --bit-depth 8 --seed 3 >/dev/null
tw0=$(now)
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$work/warm/working/images" \
  --output-dir "$work/warm_out" --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu \
  2>&1 | grep -i "inference form\|bf16\|forward pass" || true
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$work/warm/working/images" \
  --output-dir "$work/warm_out" --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu \
  --inference-form folded_channels_last 2>&1 | grep -i "forward pass" || true
tw1=$(now)
echo "first use (inference-form and batch-size measurement + a 512x512 plate): $(echo "$tw1 - $tw0" | bc) s, not in the timings below"

# Python SegOid: tile by tile, batch 1, NCHW, plain BatchNorm, mean blending.
t0=$(now)
"$python" "$here/bench_predict_reference.py" predict "$image" "$work/weights.pth" "$work/reference.npy" \
  --tile "$tile" --overlap "$overlap" --threads "$threads" | tee "$work/python.txt"
t1=$(now)

# SegOid, the same tiles and blending (mean, no edge margin) so the maps are comparable.
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$image" --output-dir "$work/ours" \
  --tile-size "$tile" --overlap "$overlap" --blend mean --edge-margin 0 --no-fill-holes \
  --batch-size "$batch" --threads "$threads" --device cpu --inference-form folded_channels_last 2>/dev/null \
  | tee "$work/ours.txt"
t2=$(now)

# SegOid's defaults (gaussian blending, edge margin) for the record.
"$segoid" predict_full --checkpoint "$work/weights.pth" --input "$image" --output-dir "$work/ours_default" \
  --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu >/dev/null 2>&1
t3=$(now)

# Model-only floor: the model's FLOPs for the image area once, at the rate the model reaches
# here on full batches with nothing around it (bench_predict_profile), and the time split.
meta_value() { sed -n "s/^ *$1: \(.*\)/\1/p" "$2/predict_meta.yaml"; }
"$build/bench_predict_profile" "$work/weights.pth" "$image" "$tile" "$overlap" \
  "$(meta_value batch_size "$work/ours")" "$threads" \
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
  printf "random weights, defaults vs the Python SegOid algorithm: %.2fx (the GOAL line is the trained model'"'"'s, below)\n", py / dflt
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
if [ ! -f "$skip_model" ]; then
  echo "int8 and background tiles: no trained model at $skip_model (set SKIP_MODEL); skipped"
  exit 0
fi
# The trained model's inference form and batch sizes are measured on first use too, per tile
# size and form: not in the timings.
# bf16 (opt-in) where oneDNN can run it: the CPU has avx512_bf16 or AMX and no ISA cap.
warm_forms="auto folded_channels_last"
modes="full skip int8 auto"
if grep -qwE "avx512_bf16|amx_bf16" /proc/cpuinfo && [ -z "${ONEDNN_MAX_CPU_ISA:-}" ]; then
  warm_forms="$warm_forms folded_channels_last_bf16"
  modes="$modes bf16"
fi
for warm_tile in "$tile" 0; do
  for warm_form in $warm_forms; do
    "$segoid" predict_full --checkpoint "$skip_model" --input "$work/warm/working/images" --output-dir "$work/warm_skip" \
      --tile-size "$warm_tile" --batch-size "$batch" --threads "$threads" --device cpu --inference-form "$warm_form" \
      --force >/dev/null 2>&1
  done
done

# int8's activation ranges, like the inference form, are cached per checkpoint at first use: a
# run on another plate (seed 5) calibrates them, so that the rounds below measure later runs. The
# first run of a checkpoint, which calibrates on its own tiles, is timed apart ("first run").
"$segoid" synth --out "$work/ranges" --images 1 --size 1024x1024 --bit-depth 8 --seed 5 >/dev/null
"$segoid" predict_full --checkpoint "$skip_model" --input "$work/ranges/working/images" --output-dir "$work/ranges_out" \
  --scale 2 --tile-size "$tile" --batch-size "$batch" --threads "$threads" --device cpu --no-probabilities >/dev/null 2>&1
echo "int8 ranges for the rounds: $(meta_value int8_ranges "$work/ranges_out") on a 1024-px plate (seed 5); its check: $(meta_value int8_check "$work/ranges_out")"
# The same cache without the ranges, copied afresh before each "first run".
forget_ranges() {
  rm -rf "$work/cache_first" && cp -r "$work/cache" "$work/cache_first"
  "$python" -c 'import json, sys; f = sys.argv[1]; j = json.load(open(f)); j.pop("int8_ranges", None); json.dump(j, open(f, "w"))' \
    "$work/cache_first/choices.json"
}

# int8 at equal resolution: --scale 2 undoes the model's image_scale 0.5, so SegOid runs the model
# on the full-size plate as the Python algorithm does, with the same tiles ($tile px) on both sides.
# Each of the five runs ROUNDS times (default 3), interleaved so that a noisy spell hits them all;
# the lines give each one's median.
rounds="${ROUNDS:-3}"
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
py_times=(); folded_channels_last_times=(); folded_int8_times=(); auto_times=(); first_times=()
for round in $(seq "$rounds"); do
  q0=$(now)
  "$python" "$here/bench_predict_reference.py" predict "$image" "$skip_model" "$work/reference_trained.npy" \
    --tile "$tile" --overlap "$overlap" --threads "$threads" >/dev/null
  q1=$(now)
  py_times+=("$(echo "$q1 - $q0" | bc)")
  for form in folded_channels_last folded_int8 auto; do
    f0=$(now)
    "$segoid" predict_full --checkpoint "$skip_model" --input "$image" --output-dir "$work/int8/$form" --scale 2 \
      --tile-size "$tile" \
      --batch-size "$batch" --threads "$threads" --device cpu --no-probabilities --inference-form "$form" \
      >"$work/int8_$form.log" 2>&1
    f1=$(now)
    eval "${form}_times+=(\"$(echo "$f1 - $f0" | bc)\")"
  done
  forget_ranges
  f0=$(now)
  SEGOID_CACHE_DIR="$work/cache_first" "$segoid" predict_full --checkpoint "$skip_model" --input "$image" \
    --output-dir "$work/int8/first" --scale 2 --tile-size "$tile" --batch-size "$batch" --threads "$threads" \
    --device cpu --no-probabilities >"$work/int8_first.log" 2>&1
  f1=$(now)
  first_times+=("$(echo "$f1 - $f0" | bc)")
done
t_python=$(median "${py_times[@]}")
t_folded_channels_last=$(median "${folded_channels_last_times[@]}")
t_folded_int8=$(median "${folded_int8_times[@]}")
t_auto=$(median "${auto_times[@]}")
t_first=$(median "${first_times[@]}")
echo "trained model at scale 1, seconds per round: python ${py_times[*]}; float32 ${folded_channels_last_times[*]}; int8 ${folded_int8_times[*]}; defaults ${auto_times[*]}; defaults, first run of the checkpoint ${first_times[*]}"
grep -h "int8 inference\|int8 activation\|inference form\|forward pass" "$work/int8_auto.log" | sed 's/^\[[^]]*\] //; s/^/auto: /' || true
echo "auto, first run of the checkpoint: int8 ranges $(meta_value int8_ranges "$work/int8/first"); check: $(meta_value int8_check "$work/int8/first")"
awk -v py="$t_python" -v fp="$t_folded_channels_last" -v q="$t_folded_int8" -v auto="$t_auto" \
    -v form="$(meta_value inference_form "$work/int8/auto")" -v avx512="$avx512" -v first="$t_first" \
    -v d8="$("$python" "$here/bench_predict_reference.py" mask-dice "$work/int8/folded_channels_last" "$work/int8/folded_int8")" \
    -v da="$("$python" "$here/bench_predict_reference.py" mask-dice "$work/int8/folded_channels_last" "$work/int8/auto")" \
    -v df="$("$python" "$here/bench_predict_reference.py" mask-dice "$work/int8/folded_channels_last" "$work/int8/first")" 'BEGIN {
  printf "trained model at scale 1 (medians): python SegOid algorithm %.2f s; float32 (folded_channels_last) %.2f s, %.2fx; int8 %.2f s, %.2fx; defaults (auto: %s) %.2f s, %.2fx\n",
         py, fp, py / fp, q, py / q, form, auto, py / auto
  printf "defaults, first run of the checkpoint (calibrates int8 on its own tiles; once per checkpoint and cache): %.2f s, %.2fx\n", first, py / first
  printf "int8 masks vs float32: %s; defaults vs float32: %s; first run vs float32: %s\n", d8, da, df
  goal = avx512 == "yes" ? 1.6 : 1.5
  printf "GOAL bench_predict, trained model at scale 1, defaults vs the Python SegOid algorithm: %.2fx (goal >= %.1fx, AVX-512 %s) %s\n",
         py / auto, goal, avx512, (py / auto >= goal) ? "MET" : "MISSED"
}'
full_total=0
skip_total=0
for style in fluorescence phase-contrast flat-well ula-round-bottom matrigel-dome rgb-jpeg; do
  "$segoid" synth --out "$work/styles/$style" --style "$style" --images 1 --size "${size}x${size}" --seed 11 \
    >/dev/null
  for mode in $modes; do
    extra=(--inference-form folded_channels_last)
    [ "$mode" = skip ] && extra+=(--skip-background)
    [ "$mode" = int8 ] && extra=(--inference-form folded_int8)
    [ "$mode" = auto ] && extra=(--inference-form auto)
    [ "$mode" = bf16 ] && extra=(--inference-form folded_channels_last_bf16)
    s0=$(now)
    "$segoid" predict_full --checkpoint "$skip_model" --input "$work/styles/$style/working/images" \
      --output-dir "$work/$mode/$style" --batch-size "$batch" --threads "$threads" --device cpu \
      --no-probabilities "${extra[@]}" >/dev/null 2>&1
    s1=$(now)
    eval "${mode}_s=$(echo "$s1 - $s0" | bc)"
  done
  echo "int8, $style: float32 $full_s s, int8 $int8_s s; int8 masks vs float32: $("$python" "$here/bench_predict_reference.py" mask-dice "$work/full/$style" "$work/int8/$style")"
  echo "defaults, $style: float32 $full_s s, defaults $auto_s s (form $(meta_value inference_form "$work/auto/$style"); int8 ranges: $(meta_value int8_ranges "$work/auto/$style"); int8 check: $(meta_value int8_check "$work/auto/$style")); defaults masks vs float32: $("$python" "$here/bench_predict_reference.py" mask-dice "$work/full/$style" "$work/auto/$style")"
  if [ -d "$work/bf16/$style" ]; then
    echo "bf16, $style: float32 $full_s s, bf16 $bf16_s s; bf16 masks vs float32: $("$python" "$here/bench_predict_reference.py" mask-dice "$work/full/$style" "$work/bf16/$style")"
  fi
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
