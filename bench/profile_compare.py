# SPDX-License-Identifier: MIT
# Two Chrome traces of the same training steps (bench_train_step --profile, bench_train_step.py
# --profile), compared op by op: self time per step on each side, sorted by the difference.
# Self time is an event's duration less that of the events nested in it on the same thread, so an
# op that calls others (aten::conv2d -> mkldnn_convolution) is not counted twice.
# Usage: /usr/bin/python3 bench/profile_compare.py CPP_TRACE PY_TRACE STEPS [TOP]
import json
import sys
from collections import defaultdict


def self_times(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    spans = defaultdict(list)  # thread -> (start, end, name)
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in ("cpu_op", "Operator", "operator"):
            start = float(e["ts"])
            spans[e.get("tid")].append((start, start + float(e["dur"]), e["name"]))
    totals, calls = defaultdict(float), defaultdict(int)
    for thread_spans in spans.values():
        thread_spans.sort(key=lambda s: (s[0], -s[1]))
        stack = []  # [end, name, child time]
        def close(item):
            end_, name_, child_ = item
            totals[name_] -= child_
        for start, end, name in thread_spans:
            while stack and stack[-1][0] <= start:
                close(stack.pop())
            totals[name] += end - start
            calls[name] += 1
            if stack:
                stack[-1][2] += end - start
            stack.append([end, name, 0.0])
        while stack:
            close(stack.pop())
    return totals, calls


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: profile_compare.py CPP_TRACE PY_TRACE STEPS [TOP]")
    steps = float(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    cpp, cpp_calls = self_times(sys.argv[1])
    py, py_calls = self_times(sys.argv[2])
    names = set(cpp) | set(py)
    rows = sorted(names, key=lambda n: -abs(cpp.get(n, 0.0) - py.get(n, 0.0)))
    print(f"{'op':44s} {'C++ ms/step':>12s} {'Py ms/step':>11s} {'diff':>8s} {'C++ calls':>10s} {'Py calls':>9s}")
    for n in rows[:top]:
        c, p = cpp.get(n, 0.0) / 1e3 / steps, py.get(n, 0.0) / 1e3 / steps
        print(f"{n[:44]:44s} {c:12.2f} {p:11.2f} {c - p:8.2f} {cpp_calls.get(n, 0) / steps:10.1f} "
              f"{py_calls.get(n, 0) / steps:9.1f}")
    c_all, p_all = sum(cpp.values()) / 1e3 / steps, sum(py.values()) / 1e3 / steps
    print(f"{'all ops (self time, all threads)':44s} {c_all:12.2f} {p_all:11.2f} {c_all - p_all:8.2f}")


if __name__ == "__main__":
    main()
