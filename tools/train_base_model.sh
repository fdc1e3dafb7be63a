#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reproduces the shipped model models/spheroid-base.pth from its seeds (`make base-model`):
# synthesizes the training pool, the validation set and the held-out scoring set (all six styles),
# trains with configs/base_model.yaml, scores the best checkpoint per style on the held-out set
# and writes the half-precision weights file OUT/spheroid-base.pth beside its table. Resumable: run
# it again and training continues from the newest intact state of the run.
#
# Usage: tools/train_base_model.sh SEGOID OUT_DIR [extra `segoid train` flags, e.g. --max-minutes 600]
# Hours on a 2-core CPU (about 40 min an epoch); minutes on a GPU build (--device cuda).
set -euo pipefail
segoid=$(readlink -f "$1"); out=$(mkdir -p "$2" && readlink -f "$2"); shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
# Pool, validation and held-out sets: disjoint seeds, 512-px images, 8- and 16-bit files.
synth_set() {  # name images seed
  [ -f "$out/$1/abs.csv" ] && return
  "$segoid" synth --out "$out/$1" --images "$2" --style mixed --seed "$3" --size 512x512 --bit-depth mixed --force
  "$segoid" validate_dataset --input-dir "$out/$1/working" --output-dir "$out/$1/splits"
  # Absolute paths: the three sets have different data roots.
  /usr/bin/python3 "$here/tools/absolute_manifest.py" "$out/$1/splits/all.csv" "$out/$1" "$out/$1/abs.csv"
}
synth_set pool 720 1001
synth_set val 60 2002
synth_set heldout 60 3003
config="$out/base_model.yaml"
{ cat "$here/configs/base_model.yaml"
  printf 'data:\n  train_manifest: %s\n  val_manifest: %s\n  data_root: /\n' "$out/pool/abs.csv" "$out/val/abs.csv"
} > "$config"
run=$(ls -d "$out"/runs/train_* 2>/dev/null | tail -1 || true)
if [ -n "$run" ]; then
  "$segoid" train --config "$config" --resume "$run" "$@"
else
  "$segoid" train --config "$config" --run-dir "$out/runs" "$@"
fi
run=$(ls -d "$out"/runs/train_* | tail -1)
"$segoid" export_checkpoint "$run/checkpoints/best_model.pth" "$out/spheroid-base.pth" --half --force
/usr/bin/python3 "$here/bench/score_by_style.py" --segoid "$segoid" --checkpoint "$out/spheroid-base.pth" \
  --manifest "$out/heldout/abs.csv" --out "$out/score"
echo "Held-out table: $out/score/by_style.md. Commit $out/spheroid-base.pth as models/spheroid-base.pth"
echo "only when it beats the committed model on every style (models/README.md has its table)."
