#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The .deb in a bare Debian 12 root: `apt-get install ./segoid_*.deb` alone brings everything it
# needs; then `segoid --version`, `segoid synth`, and `segoid predict_full` on a synthetic image
# writes a mask (with the shipped model when the package has one, else a 1-epoch model trained
# there by the installed binary). Slow (minutes, network for apt); runs as root (chroot).
# Usage: package_test.sh BUILD_DIR WORK_DIR
#   SEGOID_PACKAGE_TEST=1   run (otherwise skip, exit 77: a plain `ctest` does not run it)
#   SEGOID_MINBASE_TAR=F    a tar of `debootstrap --variant=minbase bookworm` to start from
#                           (default WORK_DIR/bookworm-minbase.tar, made once)
#   SEGOID_PACKAGE_TEST_DIR=D  work in D instead of WORK_DIR (the root takes ~1.5 GB)
#   DEBIAN_MIRROR=URL       (default http://deb.debian.org/debian)
set -euo pipefail
build=$(cd "$1" && pwd)
work=${SEGOID_PACKAGE_TEST_DIR:-$2}
if [ "${SEGOID_PACKAGE_TEST:-0}" != 1 ]; then echo "skipped: make package-test runs it"; exit 77; fi
if [ "$(id -u)" != 0 ]; then echo "skipped: needs root (debootstrap, chroot)"; exit 77; fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
deb=$(ls -t "$build"/segoid_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no $build/segoid_*_amd64.deb: run make package"; exit 1; }
mkdir -p "$work"
tarball=${SEGOID_MINBASE_TAR:-$work/bookworm-minbase.tar}
if [ ! -f "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  echo "== debootstrap --variant=minbase bookworm (once, kept in $tarball)"
  rm -rf "$work/minbase"
  debootstrap --variant=minbase bookworm "$work/minbase" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  tar -C "$work/minbase" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$work/minbase"
fi

root=$work/root
cleanup() {
  for mount in "$root/proc" "$root/dev"; do mountpoint -q "$mount" && umount -R -l "$mount"; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
cleanup
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "== apt-get install ./$(basename "$deb") in a bare root"
in_root apt-get update -q > "$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; exit 1; }
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$deb")" >> "$work/apt.log" 2>&1 \
  || { tail -30 "$work/apt.log"; exit 1; }
grep -E "^(Need to get|After this operation)" "$work/apt.log" || true

echo "== segoid --version"
in_root segoid --version
test -s "$root/usr/share/man/man1/segoid.1.gz"
test -s "$root/usr/share/segoid/configs/train.yaml"
in_root man -w segoid >/dev/null 2>&1 || true  # man-db is not in minbase; the page is checked above

echo "== segoid synth"
in_root segoid synth --out /tmp/synth --images 6 --size 256x256 --style flat-well --bit-depth 8 \
  --well-rows 2 --well-cols 2 --min-diameter 30 --max-diameter 45 --empty-fraction 0 --seed 5
test "$(ls "$root/tmp/synth/working/images" | wc -l)" = 6

model=/usr/share/segoid/models/spheroid-base.pth
if [ ! -f "$root$model" ]; then
  echo "== no shipped model in the package: a 1-epoch model trained by the installed segoid"
  in_root segoid validate_dataset --input-dir /tmp/synth/working --output-dir /tmp/synth/splits
  in_root segoid make_splits --manifest /tmp/synth/splits/all.csv --output-dir /tmp/synth/splits
  cat > "$root/tmp/train.yaml" <<'EOF'
data:
  train_manifest: /tmp/synth/splits/train.csv
  val_manifest: /tmp/synth/splits/val.csv
  data_root: /tmp/synth
dataset:
  patch_size: 64
  patches_per_image: 4
model:
  encoder_weights: null
training:
  epochs: 1
  batch_size: 4
  num_workers: 0
checkpointing:
  save_periodic: false
tensorboard:
  enabled: false
threads: 2
device: cpu
EOF
  in_root segoid train --config /tmp/train.yaml --run-dir /tmp/runs
  model=$(cd "$root" && ls tmp/runs/train_*/checkpoints/best_model.pth | head -1)
  model=/$model
fi

image=$(cd "$root/tmp/synth/working/images" && ls | head -1)
if [ "$model" = /usr/share/segoid/models/spheroid-base.pth ]; then
  # The shipped model is the default: no --checkpoint, and the run says which model it used.
  echo "== segoid predict_full (no --checkpoint: the shipped model)"
  in_root segoid predict_full --input "/tmp/synth/working/images/$image" --output-dir /tmp/pred 2>&1 \
    | tee "$root/tmp/predict.log"
  grep -q "shipped model spheroid-base" "$root/tmp/predict.log"
else
  echo "== segoid predict_full --checkpoint $model"
  in_root segoid predict_full --checkpoint "$model" --input "/tmp/synth/working/images/$image" --output-dir /tmp/pred
fi
mask=$root/tmp/pred/${image%.*}_pred_mask.tif
test -s "$mask" || { echo "no mask written: $mask"; exit 1; }
echo "package test passed: $(basename "$deb") installs with apt alone and predicts ($(du -h "$mask" | cut -f1) mask)"
