#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# workflow/Snakefile end to end: `snakemake --cores 2` on 8 synthetic plates in 4 shards writes the
# same merged tables, value for value (and the same masks, pixel for pixel), as one unsharded
# predict_full + quantify_objects run; `snakemake -n` with the Slurm profile plans the same jobs.
# Usage: workflow_test.py SEGOID. Exit 77 (skip) without snakemake.
import csv
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SNAKEFILE = os.path.join(SOURCE, "workflow", "Snakefile")
PROFILE = os.path.join(SOURCE, "workflow", "profiles", "slurm")
SHARDS = 4
PLATES = 8


def run(args, cwd):
    result = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"FAILED ({result.returncode}): {' '.join(args)}\n{result.stdout}")
    return result.stdout


def model_for(segoid, work):
    """The shipped model beside the binary when the build has one, else a tiny one trained here."""
    shipped = os.path.join(os.path.dirname(os.path.abspath(segoid)), "models", "spheroid-base.pth")
    if os.path.exists(shipped):
        return shipped
    run([segoid, "validate_dataset", "--input-dir", "data/working", "--output-dir", "data/splits"], work)
    run([segoid, "make_splits", "--manifest", "data/splits/all.csv", "--output-dir", "data/splits"], work)
    with open(os.path.join(work, "train.yaml"), "w") as f:
        f.write("data:\n  train_manifest: data/splits/train.csv\n  val_manifest: data/splits/val.csv\n"
                "  data_root: data\ndataset:\n  patch_size: 64\n  patches_per_image: 8\n"
                "model:\n  encoder_weights: null\ntraining:\n  epochs: 2\n  batch_size: 8\n"
                "  learning_rate: 0.003\n  num_workers: 0\ncheckpointing:\n  save_periodic: false\n"
                "tensorboard:\n  enabled: false\nthreads: 2\ndevice: cpu\nseed: 3\n")
    run([segoid, "train", "--config", "train.yaml", "--run-dir", "runs"], work)
    return glob.glob(os.path.join(work, "runs", "train_*", "checkpoints", "best_model.pth"))[0]


def write_manifest(work):
    """data/plates.csv: every synthetic plate with its true mask, absolute paths."""
    path = os.path.join(work, "data", "plates.csv")
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["basename", "image_path", "mask_path"])
        for image in sorted(glob.glob(os.path.join(work, "data", "working", "images", "*.tif"))):
            name = os.path.splitext(os.path.basename(image))[0]
            out.writerow([name, image, os.path.join(work, "data", "working", "masks", name + "_mask.tif")])
    return path


def rows_of(path):
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    return table[0], sorted(table[1:])


def compare_tables(sharded, unsharded, names):
    """Each table equal, header and every value (as written), rows in any order."""
    checked = 0
    for name in names:
        a, b = os.path.join(sharded, name), os.path.join(unsharded, name)
        if not os.path.exists(b):
            assert not os.path.exists(a), f"{name}: written by the workflow only"
            continue
        assert os.path.exists(a), f"{name}: missing from the workflow's output"
        header_a, rows_a = rows_of(a)
        header_b, rows_b = rows_of(b)
        assert header_a == header_b, f"{name}: header {header_a} != {header_b}"
        assert rows_a == rows_b, f"{name}: rows differ\n{rows_a}\n!=\n{rows_b}"
        checked += 1
    return checked


def compare_masks(sharded, unsharded):
    import tifffile
    masks = sorted(os.path.basename(p) for p in glob.glob(os.path.join(unsharded, "*_pred_mask.tif")))
    assert len(masks) == PLATES, f"{len(masks)} masks from the unsharded run"
    foreground = 0
    for name in masks:
        a = tifffile.imread(os.path.join(sharded, name))
        b = tifffile.imread(os.path.join(unsharded, name))
        assert (a == b).all(), f"{name}: the sharded mask differs"
        foreground += int((b > 0).sum())
    assert foreground > 0, "every predicted mask is empty: the comparison would be vacuous"


def planned_jobs(output):
    """(rule, output files) of every job a dry run lists."""
    jobs = []
    for block in output.split("\n\n"):
        rule = re.search(r"^\s*(?:local)?rule (\w+):", block, re.M)
        if rule:
            produced = re.search(r"^\s*output: (.*)$", block, re.M)
            jobs.append((rule.group(1), produced.group(1) if produced else ""))
    return sorted(jobs)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: workflow_test.py SEGOID")
    segoid = os.path.abspath(sys.argv[1])
    snakemake = shutil.which("snakemake")
    if not snakemake:
        print("snakemake is not installed (make deps-test): skipped")
        return 77
    work = tempfile.mkdtemp(prefix="segoid-workflow-")
    try:
        run([segoid, "synth", "--out", "data", "--images", str(PLATES), "--size", "256x256", "--style",
             "flat-well", "--bit-depth", "8", "--well-rows", "2", "--well-cols", "2", "--min-diameter", "30",
             "--max-diameter", "45", "--empty-fraction", "0", "--seed", "7"], work)
        checkpoint = model_for(segoid, work)
        manifest = write_manifest(work)
        settings = [f"segoid={segoid}", f"checkpoint={checkpoint}", f"manifest={manifest}", "output=wf",
                    f"shards={SHARDS}", "report_args=--fps 1 --display-duration 1 --max-frame-side 128"]
        # One thread per predict job, as in the reference run: the same arithmetic, so equal values.
        snake = [snakemake, "-s", SNAKEFILE, "--directory", work, "--set-threads", "predict=1", "--config"] + settings
        run(snake + ["--cores", "2"], work)
        run([segoid, "predict_full", "--checkpoint", checkpoint, "--manifest", manifest, "--output-dir",
             "ref/predictions", "--threads", "1"], work)
        run([segoid, "quantify_objects", "--pred-mask-dir", "ref/predictions", "--gt-manifest", manifest,
             "--output-dir", "ref/metrics"], work)

        predicted = compare_tables(os.path.join(work, "wf/predictions"), os.path.join(work, "ref/predictions"),
                                   ["pixel_metrics.csv", "errors.csv"])
        assert predicted >= 1, "no pixel_metrics.csv to compare"
        per_image = sorted(os.path.relpath(p, os.path.join(work, "ref/metrics"))
                           for p in glob.glob(os.path.join(work, "ref/metrics/per_image/*.csv")))
        measured = compare_tables(os.path.join(work, "wf/metrics"), os.path.join(work, "ref/metrics"),
                                  ["all_objects.csv", "instance_eval.csv", "summary.csv"] + per_image)
        assert measured >= 3, f"only {measured} quantify tables compared"
        _, objects = rows_of(os.path.join(work, "ref/metrics/all_objects.csv"))
        assert objects, "no objects measured: the comparison would be vacuous"
        compare_masks(os.path.join(work, "wf/predictions"), os.path.join(work, "ref/predictions"))
        assert os.path.getsize(os.path.join(work, "wf/report/review.mp4")) > 0

        # The Slurm profile plans the same jobs as a local run (a fresh output folder: every job).
        dry = [snakemake, "-n", "-s", SNAKEFILE, "--directory", work, "--config"] + settings[:3] + [
            "output=dry", f"shards={SHARDS}"]
        local = planned_jobs(run(dry + ["--cores", "2"], work))
        slurm_output = run(dry + ["--profile", PROFILE], work)
        slurm = planned_jobs(slurm_output)
        assert len(local) == SHARDS + 4, f"{len(local)} jobs planned: {local}"
        assert slurm == local, f"the Slurm profile plans other jobs:\n{slurm}\n!=\n{local}"
        # The resources the profile submits with come from workflow/config.yaml.
        assert re.search(r"resources: .*mem_mb=8000.*runtime=120", slurm_output), slurm_output
        print(f"{len(objects)} objects on {PLATES} plates: {SHARDS} shards equal one run in {predicted} prediction "
              f"and {measured} quantify tables and every mask; the Slurm dry run plans the same {len(local)} jobs")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
