#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Times `make TARGET` (demo or test) as a new user meets it: in a brand-new Debian 12 root
# (debootstrap --variant=minbase), from a clone of this repository, with nothing installed but
# `make`. Prints apt / build / run seconds and the total; root only (debootstrap, chroot).
# Usage: bench/fresh_root.sh TARGET WORK_DIR     e.g. bench/fresh_root.sh demo /var/tmp/segoid-fresh
#   SEGOID_MINBASE_TAR=F   start from this tar of a minbase root (default WORK_DIR/bookworm-minbase.tar,
#                          made once; making it is not timed: it stands for the fresh machine)
#   JOBS=N                 make -j for the build (default: the machine's cores)
#   REV=COMMIT             the commit to time (default HEAD of this checkout), e.g. main's, back to back
set -euo pipefail
target=$1
work=$(mkdir -p "$2" && cd "$2" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
case $target in demo | test) ;; *) echo "TARGET must be demo or test" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 2; }
tarball=${SEGOID_MINBASE_TAR:-$work/bookworm-minbase.tar}
if [ ! -f "$tarball" ]; then
  debootstrap --variant=minbase bookworm "$work/minbase" "$mirror" > "$work/debootstrap.log" 2>&1
  tar -C "$work/minbase" -cf "$tarball" . && rm -rf "$work/minbase"
fi
root=$work/root-$target
cleanup() {
  for mount in "$root/proc" "$root/dev"; do mountpoint -q "$mount" && umount -R -l "$mount"; done
  return 0
}
trap cleanup EXIT
cleanup
rm -rf --one-file-system "$root" && mkdir -p "$root" && tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q --no-hardlinks "$repo" "$root/root/segoid"
git -C "$root/root/segoid" checkout -q "$(git -C "$repo" rev-parse "${REV:-HEAD}")"
jobs=${JOBS:-$(nproc)}
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive bash -c "cd /root/segoid && $1"
}
stamp() { date +%s.%N; }
log=$work/fresh-$target.log
: > "$log"
echo "$(git -C "$root/root/segoid" log --oneline -1); load before: $(uptime)" | tee -a "$log"
t0=$(stamp)
in_root "apt-get update -q && apt-get install -y -q --no-install-recommends make" >> "$log" 2>&1
t1=$(stamp)
# make TARGET, in its three parts: the packages it installs, what it builds, what it runs.
deps=deps-build build=build
[ "$target" = test ] && deps=deps-test build=build-all
# A Makefile from before the per-target packages (issue 26) has one deps and one build target.
grep -q '^deps-build:' "$root/root/segoid/Makefile" || deps=deps build=build
in_root "make $deps" >> "$log" 2>&1
t2=$(stamp)
in_root "make $build JOBS=$jobs" >> "$log" 2>&1
t3=$(stamp)
in_root "make $target JOBS=$jobs" >> "$log" 2>&1 || { tail -40 "$log"; echo "make $target failed" >&2; exit 1; }
t4=$(stamp)
echo "load after: $(uptime)" | tee -a "$log"
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" -v target="$target" 'BEGIN {
  printf "fresh root, make %s: apt for make %.0f s, apt (make deps) %.0f s, build %.0f s, %s %.0f s; total %.0f s (%.1f min), apt included\n",
         target, t1 - t0, t2 - t1, t3 - t2, target, t4 - t3, t4 - t0, (t4 - t0) / 60 }' | tee -a "$log"
