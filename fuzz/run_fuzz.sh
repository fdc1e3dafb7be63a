#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs libFuzzer targets: first every seed (fuzz/corpus/<name>) and regression input
# (fuzz/regressions/<name>), then mutations until SECONDS have passed. Prints executions per target.
# Usage: run_fuzz.sh FUZZ_BUILD_DIR SECONDS|replay WORK_DIR [NAME...]   (no NAME: every built target)
# With FUZZ_RUNS=N in the environment a target also stops after N executions (e.g. 1000000).
# New corpus entries go to WORK_DIR/corpus/<name>, crashes to WORK_DIR/artifacts/ (exit 1).
# `replay` (what `make test` runs): each seed and regression input once, no mutations, in seconds.
set -u
bin_dir=$1 seconds=$2 work=$3
shift 3
src=$(cd "$(dirname "$0")" && pwd)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then read -r -a names < <(tr ';' ' ' < "$bin_dir/targets.txt"); fi
status=0
summary=()
# run_target LOG EXE FRAMES ARGS...: one libFuzzer run with the sanitizers' options (unless set in
# the environment) and the limits every run shares.
# -malloc_limit_mb: any single allocation a header can force beyond 1 GiB is a finding.
# FRAMES, ASan's malloc_context_size: 2 when fuzzing, 30 in a replay. With 2 frames per allocation
# detection is the same, reports name fewer callers (replay a crash for full stacks), and
# allocation-heavy targets (yaml-cpp) run 5x faster: fuzz_yaml 127 -> 672 exec/s.
run_target() {
  local log=$1 exe=$2 context=$3
  shift 3
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:malloc_context_size=$context} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/lsan.supp:print_suppressions=0} \
    "$exe" -timeout=20 -rss_limit_mb=2560 -malloc_limit_mb=1024 "$@" > "$log" 2>&1
}
for name in "${names[@]}"; do
  exe="$bin_dir/fuzz_$name"
  if [ ! -x "$exe" ]; then echo "run_fuzz: $exe is not built" >&2; status=1; continue; fi
  mkdir -p "$work/corpus/$name" "$work/artifacts"
  dirs=("$work/corpus/$name" "$src/corpus/$name")
  [ -d "$src/regressions/$name" ] && dirs+=("$src/regressions/$name")
  log="$work/$name.log"
  if [ "$seconds" = replay ]; then
    # libFuzzer given only files runs each once. Every target has seeds: none is a setup error.
    mapfile -t inputs < <(find "${dirs[@]:1}" -type f | sort)
    if [ ${#inputs[@]} -eq 0 ]; then echo "run_fuzz: no inputs in $src/corpus/$name" >&2; status=1; continue; fi
    # Leaks are checked once, at exit (LSan), not per input (-detect_leaks=0 is libFuzzer's own
    # check): that per-input check rescans mid-run after the first input's one-time set-up and
    # reported 184 bytes no stack could name on one CI machine, never here in 300 replays and
    # 1.2M fuzzed runs. A leak in any input is still unreachable at exit, so nothing escapes; full
    # 30-frame stacks, since a replay is short.
    run_target "$log" "$exe" 30 -detect_leaks=0 "${inputs[@]}"
    rc=$?
    runs=$(grep -c '^Executed ' "$log")
    line=$(printf '%-14s replayed %d of %d inputs' "$name" "$runs" "${#inputs[@]}")
    [ "$runs" -eq ${#inputs[@]} ] || [ $rc -ne 0 ] || rc=1  # an input that did not run
  else
    run_target "$log" "$exe" 2 -max_total_time="$seconds" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$name-" "${dirs[@]}"
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    line=$(printf '%-14s %12s executions in %4ss  (%s/s)  corpus %s files' "$name" "${runs:-?}" "${secs:-?}" \
           "$(( ${runs:-0} / (${secs:-1} > 0 ? ${secs:-1} : 1) ))" "$(find "$work/corpus/$name" "${dirs[@]:1}" -type f | wc -l)")
  fi
  if [ $rc -ne 0 ]; then
    line="$line  FAILED (rc $rc): see $log"
    # The report itself, so that a CI log names the cause (the log file stays on that machine).
    # The last input started, then the report (a leak found at exit names no input).
    { grep '^Running: ' "$log" | tail -1
      grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*Test unit written|Direct|Indirect|    #[0-9])" "$log" | head -60
    } >&2
    status=1
  fi
  echo "$line"
  summary+=("$line")
done
if [ ${#names[@]} -gt 1 ]; then
  echo "---- fuzz summary ($([ "$seconds" = replay ] && echo replay || echo "${seconds}s per target")) ----"
  printf '%s\n' "${summary[@]}"
fi
exit $status
