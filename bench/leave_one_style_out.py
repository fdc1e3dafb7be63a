# SPDX-License-Identifier: MIT
# Out-of-style score: for every synth style S, train on all other styles and test on S (table 1:
# pixel Dice and detection F1 per held-out style); then the demo model on each style under each
# perturbation at strong settings (table 2). Needs a quiet machine for the real numbers.
#
# Usage: /usr/bin/python3 bench/leave_one_style_out.py --segoid build/segoid --out /tmp/loso \
#            [--images-per-style 8] [--side 512] [--epochs 30] [--config configs/demo.yaml]
#            [--held-out ula-round-bottom,...|""] [--demo-model runs/.../best_model.pth]
#            [--perturbations none,blur,noise,gamma-0.5,gamma-2,zoom-0.5,zoom-2,invert,jpeg-q15] [--tiny]
# --held-out "" runs no fold: only table 2 (needs --demo-model).
# --tiny: 3 images of 256 px per style, 1 epoch of 2 patches per image, two held-out styles and
# two perturbations (none, invert):
# proves the script end to end in a couple of CPU minutes (its scores mean nothing).
import argparse
import pathlib
import re
import shutil
import sys
import zlib

from bench_common import predict_and_quantify, read_rows as read_manifest, run, write_manifest

import numpy as np
from PIL import Image
import tifffile
from scipy import ndimage

STYLES = ["flat-well", "ula-round-bottom", "fluorescence", "phase-contrast", "matrigel-dome", "rgb-jpeg"]
# Strong settings of each perturbation, applied to a test image (and, for scale, to its mask).
PERTURBATIONS = {
    "none": {},
    "blur": {"sigma": 3.0},
    "noise": {"sd": 0.08},
    "gamma-0.5": {"gamma": 0.5},
    "gamma-2": {"gamma": 2.0},
    "zoom-0.5": {"zoom": 0.5},
    "zoom-2": {"zoom": 2.0},
    "invert": {},
    "jpeg-q15": {"quality": 15},
}


def pixel_dice(pred_dir):
    rows = read_manifest(pred_dir / "pixel_metrics.csv")
    return float(np.mean([float(r["dice"]) for r in rows])) if rows else float("nan")


def micro_f1(metrics_dir):
    """Detection F1 over all objects: summary.csv is one wide row (the Python SegOid's layout)."""
    rows = read_manifest(metrics_dir / "summary.csv")
    return float(rows[0]["micro_f1"]) if rows else float("nan")


def predict_and_score(args, checkpoint, manifest, work, log):
    pred, metrics = predict_and_quantify(args.segoid, checkpoint, manifest, work, log,
                                         ["--tile-size", 256, "--split-touching", "--min-mean-probability", 0.8])
    return pixel_dice(pred), micro_f1(metrics)


def train(args, train_rows, val_rows, work, log):
    work.mkdir(parents=True, exist_ok=True)
    write_manifest(work / "train.csv", train_rows)
    write_manifest(work / "val.csv", val_rows)
    config = pathlib.Path(args.config).read_text()
    if args.tiny:
        config = re.sub(r"patches_per_image: *\d+", "patches_per_image: 2", config)
    config += f"data:\n  train_manifest: {work / 'train.csv'}\n  val_manifest: {work / 'val.csv'}\n  data_root: /\n"
    (work / "train.yaml").write_text(config)
    run([args.segoid, "train", "--config", work / "train.yaml", "--epochs", args.epochs, "--run-dir", work / "runs"], log)
    runs = sorted((work / "runs").iterdir())
    best = runs[-1] / "checkpoints" / "best_model.pth"
    return best if best.exists() else runs[-1] / "checkpoints" / "final_model.pth"


def read_float_predictor_tiff(path):
    """Float32 Deflate TIFF with the floating-point predictor (as segoid writes), without imagecodecs:
    per row, undo the byte differencing, then regroup the byte planes (most significant first)."""
    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        rows_per_strip = page.tags["RowsPerStrip"].value if "RowsPerStrip" in page.tags else page.imagelength
        width, height = page.imagewidth, page.imagelength
        out = np.empty((height, width), np.float32)
        fh = tif.filehandle
        row = 0
        for offset, count in zip(page.dataoffsets, page.databytecounts):
            fh.seek(offset)
            data = np.frombuffer(zlib.decompress(fh.read(count)), np.uint8)
            n = min(rows_per_strip, height - row)
            planes = data[: n * width * 4].reshape(n, width * 4)
            planes = np.cumsum(planes, axis=1, dtype=np.uint64).astype(np.uint8)
            out[row : row + n] = planes.reshape(n, 4, width).transpose(0, 2, 1).copy().view(">f4")[..., 0]
            row += n
    return out


def load_gray(path):
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        return np.asarray(Image.open(path).convert("L"), dtype=np.float64)
    try:
        a = tifffile.imread(path).astype(np.float64)
    except ValueError:  # floating-point predictor needs imagecodecs
        a = read_float_predictor_tiff(path).astype(np.float64)
    return a if a.ndim == 2 else a[..., :3] @ np.array([0.299, 0.587, 0.114])


def perturb(image_path, mask_path, name, out_dir):
    """Writes the perturbed image (16-bit TIFF, or JPEG) and its mask; returns their paths."""
    p = PERTURBATIONS[name]
    a = load_gray(image_path)
    m = np.asarray(Image.open(mask_path)) > 0
    lo, hi = np.percentile(a, [0.1, 99.9])
    x = np.clip((a - lo) / max(hi - lo, 1e-9), 0, 1)
    if name == "blur":
        x = ndimage.gaussian_filter(x, p["sigma"])
    elif name == "noise":
        x = np.clip(x + np.random.default_rng(0).normal(0, p["sd"], x.shape), 0, 1)
    elif name.startswith("gamma"):
        x = x ** p["gamma"]
    elif name.startswith("zoom"):
        x = ndimage.zoom(x, p["zoom"], order=1)
        m = ndimage.zoom(m.astype(np.uint8), p["zoom"], order=0) > 0
    elif name == "invert":
        x = 1 - x
    stem = image_path.stem
    mask_out = out_dir / "masks" / f"{stem}_mask.tif"
    Image.fromarray((m * 255).astype(np.uint8)).save(mask_out)
    if name.startswith("jpeg"):
        image_out = out_dir / "images" / f"{stem}.jpg"
        Image.fromarray((x * 255).round().astype(np.uint8)).save(image_out, quality=p["quality"])
    else:
        image_out = out_dir / "images" / f"{stem}.tif"
        tifffile.imwrite(image_out, (x * 65535).round().astype(np.uint16))
    return image_out, mask_out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segoid", default="build/segoid")
    parser.add_argument("--out", required=True)
    parser.add_argument("--images-per-style", type=int, default=8)
    parser.add_argument("--side", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--config", default="configs/demo.yaml")
    parser.add_argument("--held-out", default=",".join(STYLES))
    parser.add_argument("--demo-model", default="")
    parser.add_argument("--perturbations", default=",".join(PERTURBATIONS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args()
    if args.tiny:
        args.images_per_style, args.side, args.epochs = 3, 256, 1
        if args.held_out == ",".join(STYLES):
            args.held_out = "fluorescence,rgb-jpeg"
        if args.perturbations == ",".join(PERTURBATIONS):
            args.perturbations = "none,invert"
    # --held-out "": no folds, only the perturbation table (with --demo-model).
    held_out = [h for h in args.held_out.split(",") if h]
    for held in held_out:
        if held not in STYLES:
            parser.error(f"unknown style {held}; expected some of {', '.join(STYLES)}")
    perturbations = args.perturbations.split(",")
    for name in perturbations:
        if name not in PERTURBATIONS:
            parser.error(f"unknown perturbation {name}; expected some of {', '.join(PERTURBATIONS)}")
    out = pathlib.Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log = out / "log.txt"
    args.segoid = pathlib.Path(args.segoid).resolve()

    # One data root per style, validated.
    data = {}
    for style in STYLES:
        root = out / "data" / style
        run([args.segoid, "synth", "--out", root, "--style", style, "--images", args.images_per_style,
             "--size", f"{args.side}x{args.side}", "--seed", args.seed], log)
        run([args.segoid, "validate_dataset", "--input-dir", root / "working", "--output-dir", root / "splits"], log)
        data[style] = [(r, root) for r in read_manifest(root / "splits" / "all.csv")]

    results = []
    for held in held_out:
        train_rows, val_rows = [], []
        for style in STYLES:
            if style == held:
                continue
            rows = data[style]
            n_val = max(1, len(rows) // 5)
            val_rows += rows[:n_val]
            train_rows += rows[n_val:]
        work = out / f"held_out_{held}"
        checkpoint = train(args, train_rows, val_rows, work, log)
        write_manifest(work / "test.csv", data[held])
        dice, f1 = predict_and_score(args, checkpoint, work / "test.csv", work, log)
        results.append((held, dice, f1))
        print(f"held out {held}: Dice {dice:.4f}  F1 {f1:.4f}", flush=True)

    lines = []
    if results:
        lines += ["## Leave one style out (train on the other five, test on the held-out one)", "",
                  "| held-out style | pixel Dice | detection F1 | goal met (Dice >= 0.85, F1 >= 0.90) |", "|---|---|---|---|"]
    for held, dice, f1 in results:
        lines.append(f"| {held} | {dice:.4f} | {f1:.4f} | {'yes' if dice >= 0.85 and f1 >= 0.90 else 'no'} |")

    if args.demo_model:
        lines += ([""] if lines else []) + [
                  "## Demo model on each style under strong perturbations (pixel Dice / detection F1)", "",
                  "| style | " + " | ".join(perturbations) + " |", "|---|" + "---|" * len(perturbations)]
        for style in STYLES:
            cells = []
            for name in perturbations:
                root = out / "perturbed" / style / name
                (root / "images").mkdir(parents=True)
                (root / "masks").mkdir()
                rows = []
                for r, base in data[style]:
                    image, mask = perturb(base / r["image_path"], base / r["mask_path"], name, root)
                    rows.append(({"basename": r["basename"], "image_path": image, "mask_path": mask}, pathlib.Path("/")))
                write_manifest(root / "test.csv", rows)
                dice, f1 = predict_and_score(args, pathlib.Path(args.demo_model).resolve(), root / "test.csv", root, log)
                cells.append(f"{dice:.3f} / {f1:.3f}")
            lines.append(f"| {style} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    (out / "tables.md").write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
