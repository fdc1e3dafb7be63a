# SPDX-License-Identifier: MIT
# Runs a model (the demo's best_model.pth) on every image under ../shared/data/real and writes an
# overlay contact sheet: each image percentile-stretched (colour kept), predicted outlines in red.
# There are no masks for these images, so there are no scores: look at the sheet.
#
# Usage: /usr/bin/python3 tools/real_image_sheet.py --checkpoint RUN/checkpoints/best_model.pth \
#            --out /tmp/real_sheet [--segoid build/segoid] [--real-dir ../shared/data/real] [--tile 320]
#            [--scale 'whole-well-rgb/*.tif=0.25' ...]
# --scale PATTERN=S: predict_full --scale S for the images whose path under --real-dir matches
# PATTERN (a glob, or a folder), for plates whose objects are far larger than the model's
# training objects. The last matching pattern wins.
# Exits 0 with a message when the real-image folder is absent (a fresh clone has no ../shared).
import argparse
import fnmatch
import pathlib
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw

IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg"}


def stretched_rgb(path):
    image = Image.open(path)
    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        return np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    a = np.asarray(image, dtype=np.float64)
    lo, hi = np.percentile(a, [1, 99.8])
    a = np.clip((a - lo) / max(hi - lo, 1e-9), 0, 1)
    return np.stack([a] * 3, axis=-1)


def outline(mask):
    inner = mask.copy()
    inner[1:, :] &= mask[:-1, :]
    inner[:-1, :] &= mask[1:, :]
    inner[:, 1:] &= mask[:, :-1]
    inner[:, :-1] &= mask[:, 1:]
    return mask & ~inner


def tile_of(image_path, mask_path, side):
    rgb = stretched_rgb(image_path)
    mask = np.asarray(Image.open(mask_path)) > 0 if mask_path.exists() else np.zeros(rgb.shape[:2], bool)
    edge = outline(mask)
    # Thicken the outline so it survives the downscale.
    thick = max(1, round(max(rgb.shape[:2]) / side))
    for _ in range(thick):
        grown = edge.copy()
        grown[1:, :] |= edge[:-1, :]
        grown[:-1, :] |= edge[1:, :]
        grown[:, 1:] |= edge[:, :-1]
        grown[:, :-1] |= edge[:, 1:]
        edge = grown
    rgb[edge] = [1.0, 0.1, 0.1]
    scale = side / max(rgb.shape[:2])
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    tile = Image.fromarray((rgb * 255).round().astype(np.uint8)).resize(size, Image.BILINEAR)
    canvas = Image.new("RGB", (side, side + 16), (255, 255, 255))
    canvas.paste(tile, ((side - size[0]) // 2, 16 + (side - size[1]) // 2))
    objects = int(np.count_nonzero(mask))
    ImageDraw.Draw(canvas).text((2, 2), f"{image_path.name[:40]}  ({objects} px)", fill=(0, 0, 0))
    return canvas


def main():
    parser = argparse.ArgumentParser(description="Overlay contact sheet of a model on the real images")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--segoid", default="build/segoid")
    parser.add_argument("--real-dir", default="../shared/data/real")
    parser.add_argument("--tile", type=int, default=320, help="px of a sheet tile")
    parser.add_argument("--tile-size", type=int, default=256, help="predict_full tile side (the demo's)")
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--scale", action="append", default=[], metavar="PATTERN=S",
                        help="predict_full --scale S for the images matching PATTERN; repeatable")
    args = parser.parse_args()
    scales = {}
    for item in args.scale:
        pattern, _, value = item.rpartition("=")
        try:
            scales[pattern.rstrip("/")] = float(value)
        except ValueError:
            parser.error(f"--scale {item}: expected PATTERN=S with a number S")
    real = pathlib.Path(args.real_dir)
    if not real.is_dir():
        print(f"real_image_sheet: \"{real}\" is absent; nothing to do")
        return 0
    images = sorted(p for p in real.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        print(f"real_image_sheet: no images under \"{real}\"; nothing to do")
        return 0
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def scale_of(image):
        rel = image.relative_to(real).as_posix()
        matching = [s for pattern, s in scales.items() if fnmatch.fnmatch(rel, pattern) or rel.startswith(pattern + "/")]
        return matching[-1] if matching else 1.0

    # One predict_full per scale, each into its own folder (--force clears only its own folder).
    mask_of = {}
    for scale in sorted({scale_of(p) for p in images}):
        group = [p for p in images if scale_of(p) == scale]
        pred = out / "predictions" / f"scale-{scale:g}"
        cmd = [args.segoid, "predict_full", "--checkpoint", args.checkpoint, "--output-dir", str(pred),
               "--no-probabilities", "--force", "--tile-size", str(args.tile_size), "--min-object-area", "100",
               "--split-touching", "--min-mean-probability", "0.8", "--scale", str(scale)]  # the demo's clean-up
        for image in group:
            cmd += ["--input", str(image)]
            mask_of[image] = pred / f"{image.stem}_pred_mask.tif"
        subprocess.run(cmd, check=True)
    tiles = [tile_of(p, mask_of[p], args.tile) for p in images]
    rows = (len(tiles) + args.columns - 1) // args.columns
    sheet = Image.new("RGB", (args.columns * args.tile, rows * (args.tile + 16)), (255, 255, 255))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % args.columns) * args.tile, (i // args.columns) * (args.tile + 16)))
    sheet_path = out / "real_sheet.png"
    sheet.save(sheet_path)
    print(f"real_image_sheet: {len(images)} images -> {sheet_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
