#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Writes tests/fixtures/numpy_splits/expected.txt: what NumPy's legacy RandomState, pandas'
# DataFrame.sample, scikit-learn's KFold and the Python SegOid's way of splitting (a pandas
# shuffle per coverage bucket, then int() cut points) give for many sizes and seeds. Run once
# with Debian's python3 (NumPy 1.24, pandas 1.5, scikit-learn 1.2):
#   /usr/bin/python3 tests/data/make_numpy_split_fixtures.py
# The output is committed; tests/data/splits_test.cpp and tests/core/numpy_random_test.cpp only
# read it. One record per line, fields separated by spaces, lists by commas ("-" = empty):
#   perm SEED N ORDER                 RandomState(SEED).permutation(N)
#   sample SEED N ORDER               positions of pd.DataFrame(N rows).sample(frac=1, random_state=SEED)
#   kfold SEED N K VAL_0 ... VAL_K-1  KFold(K, shuffle=True, random_state=SEED): each fold's test rows
#   split SEED STRATIFY RATIOS COVERAGES PY_TRAIN PY_VAL PY_TEST FIX_TRAIN FIX_VAL FIX_TEST
#       rows (0-based, in output order) of each split: PY_* as the Python SegOid's make_splits
#       computes them, FIX_* with SegOid's fix (with --stratify, images outside every coverage
#       bucket, such as empty masks, form a bucket of their own instead of being dropped).
import os

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "numpy_splits", "expected.txt")
SEEDS = [0, 1, 7, 42, 123, 2**31 - 1, 2**32 - 1, 987654321]
BINS = [0, 0.01, 0.1, 0.5, 1.0]


def joined(values):
    values = [str(int(v)) for v in values]
    return ",".join(values) if values else "-"


def split_rows(n, ratios):
    """Cut points of the Python tool: int() of n * ratio for train and val, the rest is test."""
    n_train = int(n * ratios[0])
    n_val = int(n * ratios[1])
    return n_train, n_val


def python_split(coverage, seed, stratify, ratios, keep_unbinned):
    df = pd.DataFrame({"row": np.arange(len(coverage)), "mask_coverage": coverage})
    parts = ([], [], [])
    if stratify:
        buckets = pd.cut(df["mask_coverage"], bins=BINS, labels=[0, 1, 2, 3])
        # Bucket order: first appearance, as Series.unique() gives it (NaN for unbinned rows).
        for bucket in buckets.unique():
            if pd.isna(bucket):
                if not keep_unbinned:
                    continue  # df[buckets == NaN] is empty: the Python tool drops these rows
                members = df[buckets.isna()]
            else:
                members = df[buckets == bucket]
            shuffled = members.sample(frac=1, random_state=seed)["row"].tolist()
            n_train, n_val = split_rows(len(shuffled), ratios)
            parts[0].extend(shuffled[:n_train])
            parts[1].extend(shuffled[n_train:n_train + n_val])
            parts[2].extend(shuffled[n_train + n_val:])
    else:
        shuffled = df.sample(frac=1, random_state=seed)["row"].tolist()
        n_train, n_val = split_rows(len(shuffled), ratios)
        parts = (shuffled[:n_train], shuffled[n_train:n_train + n_val], shuffled[n_train + n_val:])
    return parts


def coverages(rng, n):
    """Coverage values of every kind: empty, each bucket, the bucket edges themselves."""
    pool = [0.0, 0.0, 0.01, 0.1, 0.5, 1.0, 0.005, 0.05, 0.3, 0.9, 0.0101, 0.4999]
    values = []
    for _ in range(n):
        if rng.random() < 0.5:
            values.append(pool[rng.integers(len(pool))])
        else:
            values.append(round(float(rng.uniform(0.0, 0.7)), 6))
    return values


def main():
    lines = []
    for seed in SEEDS:
        for n in list(range(0, 34)) + [64, 100, 257]:
            lines.append(f"perm {seed} {n} {joined(np.random.RandomState(seed).permutation(n))}")
        for n in [1, 2, 5, 6, 13, 50]:
            frame = pd.DataFrame({"row": np.arange(n)})
            lines.append(f"sample {seed} {n} {joined(frame.sample(frac=1, random_state=seed)['row'])}")
        for n in [2, 3, 5, 6, 7, 10, 11, 23, 50]:
            for k in sorted({2, 3, 5, min(n, 10), n}):
                if k > n:
                    continue
                folds = [test for _, test in KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(n))]
                lines.append(f"kfold {seed} {n} {k} " + " ".join(joined(f) for f in folds))
    rng = np.random.default_rng(20240528)  # only draws the test manifests
    for case in range(60):
        n = [1, 2, 3, 5, 6, 7, 10, 12, 20, 33, 48, 100][case % 12]
        seed = SEEDS[case % len(SEEDS)]
        ratios = [(0.6, 0.2, 0.2), (0.7, 0.15, 0.15), (0.8, 0.1, 0.1), (0.5, 0.25, 0.25)][case % 4]
        coverage = coverages(rng, n)
        for stratify in (0, 1):
            py = python_split(coverage, seed, stratify, ratios, keep_unbinned=False)
            fix = python_split(coverage, seed, stratify, ratios, keep_unbinned=True)
            fields = [f"split {seed} {stratify}", ",".join(repr(r) for r in ratios),
                      ",".join(repr(c) for c in coverage) if coverage else "-"]
            fields += [joined(p) for p in py] + [joined(p) for p in fix]
            lines.append(" ".join(fields))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} records to {OUT}")


if __name__ == "__main__":
    main()
