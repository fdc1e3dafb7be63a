# SPDX-License-Identifier: MIT
# Independent check of a synthetic set with scikit-image: for every mask, the number of 8-connected
# components, and the largest relative difference between each component's equivalent diameter
# and the truth table's (matched by the component under the recorded centroid).
# Usage: synth_skimage_check.py SET_DIR   prints "<basename> <components> <truth rows> <max rel err> <max ecc>"
import csv
import pathlib
import sys

import numpy as np
from PIL import Image
from skimage.measure import label, regionprops

root = pathlib.Path(sys.argv[1])
rows = list(csv.DictReader(open(root / "synth_truth.csv", newline="")))
for mask_path in sorted((root / "working" / "masks").glob("*_mask.tif")):
    name = mask_path.name[: -len("_mask.tif")]
    labels = label(np.array(Image.open(mask_path)) > 0, connectivity=2)
    props = {p.label: p for p in regionprops(labels)}
    truth = [r for r in rows if r["basename"] == name]
    worst, ecc = 0.0, 0.0
    for r in truth:
        at = labels[int(round(float(r["center_y"]))), int(round(float(r["center_x"])))]
        if at == 0:
            worst = float("inf")
            continue
        worst = max(worst, abs(props[at].equivalent_diameter / float(r["equivalent_diameter_px"]) - 1.0))
        ecc = max(ecc, props[at].eccentricity)
    print(name, len(props), len(truth), f"{worst:.5f}", f"{ecc:.4f}")
