# SPDX-License-Identifier: MIT
# Cost and risk of tiling choices in predict_full (issue 12, section 2): for each tile size and
# overlap, the wall time and the agreement of the mask with the whole-image prediction (one tile
# covering the plate), per plate: mean and worst Dice. Plates of every synth style, so faint and
# small spheroids are among them. The bound to keep: Dice >= 0.999 against the whole image.
#
# Usage: /usr/bin/python3 bench/bench_predict_overlap.py --segoid build/segoid \
#            --checkpoint RUN/checkpoints/best_model.pth [--out /tmp/overlap] [--plates 12] [--side 1024]
#            [--settings 256:0.25,256:0.125,256:0.0625,512:0.25,512:0.125]
import argparse
import pathlib
import shutil
import time

import numpy as np
from bench_common import run
from PIL import Image  # reads SegOid's LZW masks (this tifffile has no imagecodecs)


def predict(args, images, out_dir, tile, overlap, log):
    started = time.monotonic()
    run([args.segoid, "predict_full", "--checkpoint", args.checkpoint, "--input", images, "--output-dir", out_dir,
         "--tile-size", tile, "--overlap", overlap, "--no-probabilities", "--force"], log)
    return time.monotonic() - started


def read_mask(path):
    return np.array(Image.open(path))


def dice(a, b):
    a, b = a > 0, b > 0
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else 2.0 * np.logical_and(a, b).sum() / total


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segoid", default="build/segoid")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", default="/tmp/segoid-bench-overlap")
    parser.add_argument("--plates", type=int, default=12)
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--settings", default="256:0.25,256:0.125,256:0.0625,512:0.25,512:0.125")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    args.segoid = pathlib.Path(args.segoid).resolve()
    out = pathlib.Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log = out / "log.txt"
    run([args.segoid, "synth", "--out", out / "data", "--style", "mixed", "--images", args.plates, "--size",
         f"{args.side}x{args.side}", "--seed", args.seed], log)
    images = out / "data" / "working" / "images"
    names = sorted(p.stem for p in images.iterdir())

    whole_s = predict(args, images, out / "whole", args.side, 0, log)
    whole = {n: read_mask(out / "whole" / f"{n}_pred_mask.tif") for n in names}
    print(f"{args.plates} plates of {args.side}x{args.side} (mixed styles); reference: one {args.side}-px tile "
          f"per plate, {whole_s:.1f} s")
    print(f"{'tile':>5} {'overlap':>8} {'seconds':>8} {'vs whole':>9} {'mean Dice':>10} {'worst Dice':>11}  plate")
    for setting in args.settings.split(","):
        tile, overlap = setting.split(":")
        folder = out / f"tile{tile}_ov{overlap}"
        seconds = predict(args, images, folder, int(tile), float(overlap), log)
        scores = {n: dice(read_mask(folder / f"{n}_pred_mask.tif"), whole[n]) for n in names}
        worst = min(scores, key=scores.get)
        print(f"{tile:>5} {overlap:>8} {seconds:8.1f} {seconds / whole_s:8.2f}x {np.mean(list(scores.values())):10.5f} "
              f"{scores[worst]:11.5f}  {worst}", flush=True)


if __name__ == "__main__":
    main()
