# SPDX-License-Identifier: MIT
# Fine-tuning curve of the shipped model on a look it was not trained on: zero-shot, then the
# documented fine-tune (configs/finetune.yaml --init-from) on k = 1, 2, 4 corrected images,
# each scored on other images of that look. Prints k, seconds, pixel Dice and detection F1.
#
# The look: phase-contrast plates at twice the zoom of the training pool (spheroids 90-180 px
# across instead of 45-90) on 12-bit camera files; spheroid-base saw phase contrast only at the
# pool's zoom and 8/16-bit files.
#
# Usage: /usr/bin/python3 bench/finetune_curve.py --segoid build/segoid --out /tmp/finetune_curve \
#            [--parent spheroid-base] [--ks 1,2,4] [--test-images 8] [--seed 5150]
import argparse
import csv
import pathlib
import sys
import time

from bench_common import read_rows, run, write_manifest
from score_by_style import dice_f1, measure, overall

HERE = pathlib.Path(__file__).resolve().parent
LOOK = ["--style", "phase-contrast", "--size", "768x768", "--min-diameter", "90", "--max-diameter", "180",
        "--sensor-bits", "12", "--bit-depth", "16"]


def make_set(segoid, out, images, seed, log):
    """Synthesizes `images` images of the look; returns their manifest rows with absolute paths."""
    run([segoid, "synth", "--out", out, "--images", images, "--seed", seed, *LOOK, "--force"], log)
    run([segoid, "validate_dataset", "--input-dir", out / "working", "--output-dir", out / "splits"], log)
    rows = [(r, out) for r in read_rows(out / "splits" / "all.csv")]
    write_manifest(out / "abs.csv", rows)
    return out / "abs.csv"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segoid", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--parent", default="spheroid-base", help="checkpoint path or model name")
    parser.add_argument("--ks", default="1,2,4")
    parser.add_argument("--test-images", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5150)
    args = parser.parse_args()
    segoid = str(pathlib.Path(args.segoid).resolve())
    out = pathlib.Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / "commands.log"
    ks = [int(k) for k in args.ks.split(",")]
    train_manifest = make_set(segoid, out / "train_pool", max(ks), args.seed, log)
    test_manifest = make_set(segoid, out / "test", args.test_images, args.seed + 1, log)
    pool = read_rows(train_manifest)

    lines = ["| k corrected images | fine-tune seconds | pixel Dice | detection F1 |", "|---|---|---|---|"]
    dice, f1 = dice_f1(overall(measure(segoid, args.parent, test_manifest, out / "zero_shot")))
    lines.append(f"| 0 (zero-shot) | 0 | {dice:.3f} | {f1:.3f} |")
    print(lines[-1], flush=True)
    for k in ks:
        manifest = out / f"train_k{k}.csv"
        with open(manifest, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(pool[0].keys()))
            writer.writeheader()
            writer.writerows(pool[:k])
        runs = out / f"runs_k{k}"
        start = time.monotonic()
        run([segoid, "train", "--config", HERE.parent / "configs" / "finetune.yaml", "--init-from", args.parent,
             "--train-manifest", manifest, "--val-manifest", manifest, "--run-dir", runs], log)
        seconds = time.monotonic() - start
        best = sorted(runs.glob("train_*/checkpoints/best_model.pth"))[-1]
        dice, f1 = dice_f1(overall(measure(segoid, str(best), test_manifest, out / f"score_k{k}")))
        lines.append(f"| {k} | {seconds:.0f} | {dice:.3f} | {f1:.3f} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    (out / "finetune_curve.md").write_text(text)
    sys.stdout.write("\n" + text)


if __name__ == "__main__":
    main()
