# SPDX-License-Identifier: MIT
# Helpers shared by the bench studies that drive the segoid binary (leave_one_style_out.py,
# flywheel_before_after.py, bench_predict_overlap.py).
import csv
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
