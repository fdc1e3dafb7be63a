#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Reads every output of the README command lines (commands.txt) with the pandas and PyYAML calls
# the Python SegOid's own code makes on them (src/cli.py, src/data/validate.py,
# src/training/cross_validation.py, src/analysis/quantify.py), and checks what those calls rely
# on. Usage: reads.py PROJECT_DIR. Prints one line per file; exits non-zero on the first failure.
import glob
import os
import sys

import numpy as np
import pandas as pd
import yaml

os.chdir(sys.argv[1])


def done(what, detail=""):
    print(f"read {what} {detail}".rstrip())


# validate_dataset: print_validation_summary's reads of all.csv.
all_df = pd.read_csv("data/splits/all.csv")
coverage = all_df["mask_coverage"]
_ = (coverage.min(), coverage.quantile(0.25), coverage.median(), coverage.quantile(0.75), coverage.max())
_ = (all_df["object_count"].min(), all_df["object_count"].median(), all_df["object_count"].max())
empty_unconfirmed = all_df[(all_df["mask_coverage"] == 0) & (~all_df["empty_confirmed"])]
diameters = all_df["mean_diameter"].dropna()
assert len(diameters) > 0 and diameters.mean() > 0, diameters
qc_df = pd.read_csv("data/splits/qc_report.csv")
assert set(qc_df["validation_status"]) <= {"PASS", "FAIL"}, set(qc_df["validation_status"])
done("all.csv", f"{len(all_df)} images, {len(empty_unconfirmed)} unconfirmed empty")

# make_splits: the no-overlap check and the sizes (int() cut points: 6 images give 3/1/2).
splits = {name: pd.read_csv(f"data/splits/{name}.csv") for name in ("train", "val", "test")}
names = {name: set(df["basename"]) for name, df in splits.items()}
assert not names["train"] & names["val"] and not names["train"] & names["test"] and not names["val"] & names["test"]
n = len(all_df)
assert [len(splits[k]) for k in ("train", "val")] == [int(n * 0.6), int(n * 0.2)], [len(d) for d in splits.values()]
assert sum(len(d) for d in splits.values()) == n
# The same members and order as pandas' shuffle with the seed (the Python tool's make_splits).
shuffled = all_df.sample(frac=1, random_state=42).reset_index(drop=True)
assert list(splits["train"]["basename"]) == list(shuffled["basename"][: int(n * 0.6)]), "train differs from pandas'"
done("splits", "/".join(str(len(splits[k])) for k in ("train", "val", "test")))

# train: the config snapshot it loads (load_config) and the run folder's files.
(run,) = glob.glob("runs/train_*")
with open(f"{run}/config.yaml") as f:
    config = yaml.safe_load(f)
assert config["training"]["epochs"] == 1 and config["dataset"]["patch_size"] == 64, config
assert glob.glob(f"{run}/tensorboard/events.out.tfevents.*")
done("train run", run)

# predict_full: the summary it prints from pixel_metrics.csv.
metrics_df = pd.read_csv("inference/test_predictions/pixel_metrics.csv")
_ = (metrics_df["dice"].mean(), metrics_df["dice"].std(), metrics_df["iou"].mean(), metrics_df["iou"].std())
for _, row in metrics_df.iterrows():
    assert row["image"].endswith(".tif") and 0 <= row["dice"] <= 1 and 0 <= row["iou"] <= 1, row
assert len(metrics_df) == len(splits["test"]), metrics_df
assert len(glob.glob("inference/my_batch/*_pred_mask.tif")) == n
assert len(glob.glob("inference/my_batch/*_pred_prob.tif")) == n
done("pixel_metrics.csv", f"{len(metrics_df)} images")

# quantify_objects: its summary, printouts and plots read these columns.
instance_eval_df = pd.read_csv("metrics/instance_eval.csv")
summary = {
    "total_images": len(instance_eval_df),
    "total_pred_objects": instance_eval_df["n_pred"].sum(),
    "total_gt_objects": instance_eval_df["n_gt"].sum(),
    "total_tp": instance_eval_df["tp"].sum(),
    "total_fp": instance_eval_df["fp"].sum(),
    "total_fn": instance_eval_df["fn"].sum(),
    "mean_precision": instance_eval_df["precision"].mean(),
    "mean_recall": instance_eval_df["recall"].mean(),
    "mean_f1": instance_eval_df["f1"].mean(),
    "mean_matched_iou": instance_eval_df["mean_matched_iou"].mean(),
}
written = pd.read_csv("metrics/summary.csv").iloc[0]
for key, value in summary.items():
    assert np.isclose(written[key], value), (key, written[key], value)
assert set(instance_eval_df["image"]) == set(splits["test"]["basename"]), instance_eval_df["image"]
_ = instance_eval_df["n_gt"].max(), instance_eval_df["n_pred"].max()
for table in ["metrics/all_objects.csv"] + glob.glob("metrics/per_image/*_objects.csv"):
    objects = pd.read_csv(table)
    valid = objects[objects["area"] > 0]
    _ = (valid["area"].mean(), valid["area"].std(), valid["equivalent_diameter"].mean(), valid["circularity"].mean())
    assert (objects["area"] == objects["area_px"]).all(), "area is not in pixels without --pixel-size"
done("quantify outputs", f"{summary['total_pred_objects']} predicted, {summary['total_gt_objects']} true objects")
unlabelled = pd.read_csv("metrics/my_batch/all_objects.csv")
assert set(unlabelled["image"]) <= set(all_df["basename"]), unlabelled["image"]
assert not os.path.exists("metrics/my_batch/instance_eval.csv") or len(pd.read_csv("metrics/my_batch/instance_eval.csv")) == 0
done("unlabelled quantify", f"{len(unlabelled)} objects")

# extract_metrics: its describe() of all_objects.csv without image and object_id.
objects = pd.read_csv("metrics/extracted/all_objects.csv")
python_columns = ["object_id", "area", "perimeter", "equivalent_diameter", "major_axis_length",
                  "minor_axis_length", "eccentricity", "circularity", "centroid_x", "centroid_y",
                  "bbox_min_row", "bbox_min_col", "bbox_max_row", "bbox_max_col", "image"]
expected = objects[python_columns].drop(columns=["image", "object_id"]).describe()
stats = pd.read_csv("metrics/extracted/summary_statistics.csv", index_col=0)
assert list(stats.columns) == list(expected.columns), list(stats.columns)
assert list(stats.index) == list(expected.index), list(stats.index)
assert np.allclose(stats.to_numpy(float), expected.to_numpy(float), rtol=1e-9, equal_nan=True)
done("summary_statistics.csv", f"{len(objects)} objects")

# run_cv: run_cross_validation's reads and aggregate_results' keys, in the Python places.
(cv,) = glob.glob("runs/cv_loocv")
fold_df = pd.read_csv(f"{cv}/results/fold_metrics.csv")
assert list(fold_df.columns[:6]) == ["fold", "val_image", "best_val_dice", "best_epoch", "final_train_dice",
                                     "training_time_min"], list(fold_df.columns)
with open(f"{cv}/results/summary.yaml") as f:
    cv_summary = yaml.safe_load(f)
for key in ("mean", "std", "min", "max"):
    _ = float(cv_summary["val_dice"][key])
assert cv_summary["n_folds_completed"] == cv_summary["n_folds"] == len(fold_df) == len(splits["test"])
assert cv_summary["cv_strategy"] == "leave_one_out"
assert fold_df.loc[fold_df["best_val_dice"].idxmax(), "fold"] == cv_summary["best_fold"]
assert np.isclose(cv_summary["best_fold_dice"], fold_df["best_val_dice"].max())
assert np.isclose(cv_summary["worst_fold_dice"], fold_df["best_val_dice"].min())
_ = str(cv_summary["experiment_dir"]), float(cv_summary["total_training_time_min"])
with open(f"{cv}/folds/cv_meta.yaml") as f:
    meta = yaml.safe_load(f)
assert meta["strategy"] == "leave_one_out" and meta["n_folds"] == len(fold_df)
for fold in meta["folds"]:
    val_df = pd.read_csv(f"{cv}/folds/fold_{fold['fold']}/val.csv")
    assert val_df["basename"].tolist() == [fold["val_image"]], (fold, val_df["basename"])
    assert fold["n_val"] == 1 and fold["n_train"] == len(pd.read_csv(f"{cv}/folds/fold_{fold['fold']}/train.csv"))
    row = fold_df[fold_df["fold"] == fold["fold"]].iloc[0]
    assert row["val_image"] == fold["val_image"], (row, fold)
done("run_cv results", f"{len(fold_df)} folds")
print("all reads ok")
