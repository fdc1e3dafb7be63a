# SPDX-License-Identifier: MIT
# Helpers shared by the bench studies that drive the segoid binary (leave_one_style_out.py,
# flywheel_before_after.py, bench_predict_overlap.py, score_by_style.py).
import csv
import pathlib
import subprocess


def run(cmd, log):
    """Runs one command, its output appended to `log` after a "$ command" line; raises on failure."""
    with open(log, "a") as out:
        out.write("$ " + " ".join(map(str, cmd)) + "\n")
        out.flush()
        subprocess.run([str(c) for c in cmd], check=True, stdout=out, stderr=subprocess.STDOUT)


def read_rows(path):
    """A CSV file (manifest, pixel_metrics.csv, summary.csv) as a list of dicts."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_manifest(path, rows):
    """(row, data root) pairs as a manifest with absolute paths (each data set has its own root)."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["basename", "image_path", "mask_path"])
        for r, base in rows:
            writer.writerow([r["basename"], str(base / r["image_path"]), str(base / r["mask_path"])])


def predict_and_quantify(segoid, checkpoint, manifest, work, log, predict_flags=(), data_root="/"):
    """predict_full of `checkpoint` ("" = the shipped model) on `manifest` into WORK/pred, then
    quantify_objects against the manifest's masks into WORK/metrics, both dropping objects under
    100 px; returns the two folders (pixel_metrics.csv; summary.csv and instance_eval.csv)."""
    pred, metrics = pathlib.Path(work) / "pred", pathlib.Path(work) / "metrics"
    model = ["--checkpoint", checkpoint] if checkpoint else []
    run([segoid, "predict_full", *model, "--manifest", manifest, "--data-root", data_root, "--output-dir", pred,
         "--min-object-area", 100, *predict_flags, "--no-probabilities", "--force"], log)
    run([segoid, "quantify_objects", "--pred-mask-dir", pred, "--gt-manifest", manifest, "--data-root", data_root,
         "--output-dir", metrics, "--min-object-area", 100, "--no-plots"], log)
    return pred, metrics
