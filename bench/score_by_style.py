# SPDX-License-Identifier: MIT
# Scores a model on a synthetic mixed-style set, per style: pixel Dice (mean over images,
# predict_full's pixel_metrics.csv) and detection F1 (micro over the style's objects, IoU 0.5, from
# quantify_objects' instance_eval.csv). Prints a markdown table; writes it to OUT/by_style.md.
#
# Usage: /usr/bin/python3 bench/score_by_style.py --segoid build/segoid --checkpoint spheroid-base \
#            --manifest heldout/abs.csv --out /tmp/score [--data-root /] [--extra "--scale 1"]
import argparse
import collections
import pathlib
import re
import shlex
import sys

from bench_common import predict_and_quantify, read_rows

# The predict flags the README recommends with the shipped and the demo model (with
# --min-object-area 100, which predict_and_quantify passes).
PREDICT_FLAGS = ["--split-touching", "--min-mean-probability", "0.8"]


def style_of(basename):
    match = re.match(r"synth_(.+)_\d+$", basename)
    return match.group(1) if match else "other"


def stem(path):
    return re.sub(r"\.[^.]+$", "", pathlib.Path(path).name)


def measure(segoid, checkpoint, manifest, out, data_root="/", extra=""):
    """{style: [images, sum of Dice, TP, FP, FN]} of `checkpoint` (path or name; "" = the shipped model)."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pred, metrics = predict_and_quantify(segoid, checkpoint, manifest, out, out / "commands.log",
                                         [*PREDICT_FLAGS, *shlex.split(extra)], data_root)
    styles = collections.defaultdict(lambda: [0, 0.0, 0, 0, 0])
    for row in read_rows(pred / "pixel_metrics.csv"):
        s = styles[style_of(stem(row["image"]) if "image" in row else row["basename"])]
        s[0] += 1
        s[1] += float(row["dice"])
    for row in read_rows(metrics / "instance_eval.csv"):
        s = styles[style_of(stem(row["image"]))]
        s[2] += int(row["tp"]); s[3] += int(row["fp"]); s[4] += int(row["fn"])
    return dict(styles)


def dice_f1(counts):
    """Mean pixel Dice and micro detection F1 of one [images, sum Dice, TP, FP, FN] entry."""
    images, dice, tp, fp, fn = counts
    return dice / max(images, 1), 2 * tp / max(2 * tp + fp + fn, 1)


def overall(styles):
    total = [0, 0.0, 0, 0, 0]
    for counts in styles.values():
        total = [a + b for a, b in zip(total, counts)]
    return total


def table(styles):
    lines = ["| style | images | pixel Dice | detection F1 | TP / FP / FN |", "|---|---|---|---|---|"]
    for style in sorted(styles) + ["all"]:
        counts = overall(styles) if style == "all" else styles[style]
        dice, f1 = dice_f1(counts)
        lines.append(f"| {style} | {counts[0]} | {dice:.3f} | {f1:.3f} | {counts[2]} / {counts[3]} / {counts[4]} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segoid", required=True)
    parser.add_argument("--checkpoint", default="", help="checkpoint path or name; empty: the shipped model")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--data-root", default="/")
    parser.add_argument("--out", required=True)
    parser.add_argument("--extra", default="", help="more predict_full flags, e.g. \"--scale 1\"")
    args = parser.parse_args()
    text = table(measure(args.segoid, args.checkpoint, args.manifest, args.out, args.data_root, args.extra))
    (pathlib.Path(args.out) / "by_style.md").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
