#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Writes the regionprops fixtures: small binary masks (PNG) and scikit-image 0.19's measurements
# of their 8-connected objects (expected.csv; expected_convex.csv for the convex-hull measures). Run once with Debian's python3:
#   /usr/bin/python3 tests/analysis/make_regionprops_fixtures.py
# The outputs are committed; tests only read them.
import csv
import math
import os

import numpy as np
from scipy import ndimage as ndi
from skimage import draw, measure, io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "regionprops")
COLUMNS = ["area", "perimeter", "equivalent_diameter", "major_axis_length", "minor_axis_length",
           "eccentricity", "circularity", "centroid_x", "centroid_y",
           "bbox_min_row", "bbox_min_col", "bbox_max_row", "bbox_max_col"]


def blobs(rng, shape=(160, 200), count=14):
    """Random filled ellipses, some with holes, some overlapping, some cut by the border."""
    mask = np.zeros(shape, bool)
    for i in range(count):
        r, c = rng.uniform(-10, shape[0] + 10), rng.uniform(-10, shape[1] + 10)
        ra, ca = rng.uniform(3, 28), rng.uniform(3, 28)
        rr, cc = draw.ellipse(r, c, ra, ca, shape=shape, rotation=rng.uniform(0, math.pi))
        mask[rr, cc] = True
        if i % 3 == 0:  # a hole
            rr, cc = draw.ellipse(r, c, ra / 3, ca / 3, shape=shape)
            mask[rr, cc] = False
    return mask


def special():
    """Hand-picked hard cases: touching diagonals, single pixels, lines, border objects."""
    m = np.zeros((64, 72), bool)
    m[2:8, 2:8] = True          # square
    m[8:12, 8:12] = True        # touches the square only at a corner: one 8-connected object
    m[20, 3] = True             # single pixel
    m[20, 6:8] = True           # two pixels
    m[24, 2:30] = True          # horizontal line
    m[28:60, 2] = True          # vertical line
    for k in range(20):         # diagonal and anti-diagonal lines
        m[30 + k, 10 + k] = True
        m[30 + k, 50 - k] = True
    m[0:5, 40:72] = True        # border object (top-right corner)
    m[58:64, 60:72] = True      # border object (bottom-right corner)
    m[40:50, 60:70] = True      # square with a 1-pixel hole
    m[45, 65] = False
    m[10:20, 30:40] = True      # checkerboard patch: many diagonal contacts
    m[10:20, 30:40][np.indices((10, 10)).sum(0) % 2 == 1] = False
    return m


def ellipses(rng, shape=(200, 200)):
    """Separate rotated ellipses of many aspect ratios: axis lengths and eccentricity."""
    mask = np.zeros(shape, bool)
    for r in range(20, shape[0], 40):
        for c in range(20, shape[1], 40):
            ra, ca = rng.uniform(2, 17), rng.uniform(2, 17)
            rr, cc = draw.ellipse(r + rng.uniform(-1, 1), c + rng.uniform(-1, 1), ra, ca, shape=shape,
                                  rotation=rng.uniform(0, math.pi))
            mask[rr, cc] = True
    return mask


def noise(rng, shape=(96, 128)):
    """Thresholded smoothed noise: ragged shapes with holes and thin bridges."""
    field = ndi.gaussian_filter(rng.standard_normal(shape), 2.5)
    return field > 0.05


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261125)
    masks = {"blobs_a": blobs(rng), "blobs_b": blobs(rng, (120, 90), 10), "special": special(),
             "noise": noise(rng), "ellipses": ellipses(rng)}
    rows = []
    convex_rows = []
    for name, mask in masks.items():
        io.imsave(os.path.join(OUT, name + ".png"), (mask * 255).astype(np.uint8), check_contrast=False)
        labels = measure.label(mask, connectivity=2)
        for p in measure.regionprops(labels):
            perim = p.perimeter
            circ = 4 * math.pi * p.area / perim ** 2 if perim > 0 else float("nan")
            cy, cx = p.centroid
            values = [p.area, perim, p.equivalent_diameter, p.major_axis_length, p.minor_axis_length,
                      p.eccentricity, circ, cx, cy, *p.bbox]
            rows.append([name, p.label] + [repr(float(v)) if not isinstance(v, (int, np.integer))
                                           else str(int(v)) for v in values])
            # SegOid's additions: scikit-image's solidity and feret_diameter_max, and the convexity
            # (perimeter of the convex hull image over the perimeter, both measure.perimeter).
            hull_perimeter = measure.perimeter(p.image_convex)
            convexity = hull_perimeter / perim if perim > 0 else float("nan")
            convex_rows.append([name, p.label, repr(float(p.solidity)), repr(float(p.feret_diameter_max)),
                                repr(float(convexity)), str(int(p.area_convex))])
    with open(os.path.join(OUT, "expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mask", "label"] + COLUMNS)
        w.writerows(rows)
    with open(os.path.join(OUT, "expected_convex.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mask", "label", "solidity", "feret_diameter_max", "convexity", "area_convex"])
        w.writerows(convex_rows)
    print(f"{len(rows)} objects in {len(masks)} masks -> {OUT}")


if __name__ == "__main__":
    main()
