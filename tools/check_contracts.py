#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks STYLE.md §6 / issue 10: every file name, suffix and CSV column that one stage writes and
# another reads is declared once, in the writing stage's include/segoid/<stage>/contract.hpp. A
# string literal of a contract header found again as a literal in src/ or include/ is reported
# (with the declaration to use instead). Literals listed in ALLOWED are other words that merely
# share the spelling (a YAML key, a CLI folder name, a log word). Exit 1 with one line per hit.
import pathlib
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
DECLARATION = re.compile(r'inline constexpr char (k\w+)\[\] = "([^"]*)"')
# Same spelling, different meaning: YAML keys of the stages' *_meta.yaml / configs, and words.
ALLOWED = {
    "images",      # YAML key / CLI word in predict_meta.yaml, quantify_meta.yaml, progress units
    "image",       # progress and plot labels
    "results",     # the results: map of curate_meta.yaml / quantify_meta.yaml
    "folds",       # the folds: list of cv_meta.yaml
    "status",      # generic word in logs
    "reason",      # generic word in logs
    "file",        # generic word
    "dice", "iou", "precision", "recall", "tp", "fp", "fn", "f1",  # YAML keys of reports, json of history
    "tensorboard",  # the tensorboard: section of train.yaml
    "date", "batch", "notes", "operator",  # YAML keys / words
    "area", "perimeter", "circularity", "eccentricity",  # plot titles and YAML keys
    "mean_matched_iou", "mean_centroid_shift_px",  # long table metric names in summary_metrics.csv
    "PASS", "FAIL", "True", "False",
    "; ",          # a list separator
    "none",        # a config value (normalization, stratify, device)
    "option",
    "fold", "best_val_dice", "best_epoch", "epochs_completed", "final_train_dice",  # checkpoint/fold YAML keys
    "pixel_size_um",  # the calibration.pixel_size_um config key
    "iou_match_threshold",  # the analysis.iou_match_threshold config key
    ".pth",        # also torchvision's encoder weight files (model/encoder_weights.cpp), not a run's checkpoint
}


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    declared = {}
    contracts = sorted((root / "include" / "segoid").glob("*/contract.hpp"))
    for header in contracts:
        text = header.read_text()
        for name, value in DECLARATION.findall(text):
            declared.setdefault(value, f"{header.parent.name}::contract::{name}")
        # Literal members of column arrays count too.
        for value in LITERAL.findall(text):
            declared.setdefault(value, f"{header.parent.name}/contract.hpp")
    problems = []
    sources = list((root / "src").rglob("*.[ch]pp")) + list((root / "include" / "segoid").rglob("*.hpp"))
    for path in sources:
        if path.name == "contract.hpp":
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if line.lstrip().startswith("#include"):
                continue
            code = line.split("//")[0] if '"//' not in line else line  # drop a trailing comment
            for value in LITERAL.findall(code):
                if value in declared and value not in ALLOWED and value:
                    problems.append(f"{path.relative_to(root)}:{number}: \"{value}\" is declared in {declared[value]}")
    for problem in problems:
        print(problem)
    print(f"checked {len(sources)} files against {len(declared)} contract literals: {len(problems)} repeated")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
