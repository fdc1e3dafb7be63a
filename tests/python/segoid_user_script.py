#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A downstream script as a Python SegOid user writes it, against the Python tool's documented
# columns only. SegOid's outputs must satisfy it unchanged (issue 10). Usage:
#   segoid_user_script.py SPLITS_DIR INFERENCE_DIR METRICS_DIR
# Prints one "key value" line per finding, for the test to compare.
import sys

import pandas as pd

splits, inference, metrics = sys.argv[1:4]

# Curation: which images passed, with their coverage and object counts.
manifest = pd.read_csv(f"{splits}/all.csv")
assert manifest["empty_confirmed"].dtype == bool, manifest["empty_confirmed"].dtype
qc = pd.read_csv(f"{splits}/qc_report.csv")
passed = qc[qc["validation_status"] == "PASS"]
print("manifest_images", len(manifest))
print("qc_passed", len(passed))
print("mean_diameter_mean", manifest["mean_diameter"].mean())

# Pixel metrics per image file.
pixel = pd.read_csv(f"{inference}/pixel_metrics.csv")
print("pixel_images", ";".join(sorted(pixel["image"])))
print("pixel_dice_mean", pixel["dice"].mean())
print("pixel_dice_std", pixel["dice"].std())

# Objects: counts and mean area per image, and one image's own table.
objects = pd.read_csv(f"{metrics}/all_objects.csv")
per_image = objects.groupby("image")["object_id"].count()
print("objects_total", int(per_image.sum()))
first = sorted(per_image.index)[0]
own = pd.read_csv(f"{metrics}/per_image/{first}_objects.csv")
assert (own["object_id"].values == objects[objects["image"] == first]["object_id"].values).all()
print("first_image_area_mean", own["area"].mean())
print("diameter_mean", objects["equivalent_diameter"].mean())
print("circularity_max", objects["circularity"].max())
print("bbox_height_max", int((objects["bbox_max_row"] - objects["bbox_min_row"]).max()))

# Detection per image and the one-row summary.
evaluation = pd.read_csv(f"{metrics}/instance_eval.csv").set_index("image")
print("eval_tp_sum", int(evaluation["tp"].sum()))
print("eval_gt_sum", int(evaluation["n_gt"].sum()))
summary = pd.read_csv(f"{metrics}/summary.csv")
assert len(summary) == 1, summary
row = summary.iloc[0]
print("summary_total_images", int(row["total_images"]))
print("summary_total_gt_objects", int(row["total_gt_objects"]))
print("summary_mean_f1", row["mean_f1"])
print("summary_mean_f1_check", evaluation["f1"].mean())
