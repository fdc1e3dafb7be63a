#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks every #include against SegOid's stage table (STYLE.md §2-3): includes point down the
# stack only, and torch appears only where it is allowed. Exit 1 with one line per violation.
# A stage's contract.hpp (the file names and columns it writes, STYLE.md §6) may be included by
# any stage, so it may include standard headers only.
import pathlib
import re
import sys

ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "data": {"core", "io", "data"},
    "model": {"core", "io", "data", "model"},
    "train": {"core", "io", "data", "model", "train"},
    "infer": {"core", "io", "data", "model", "infer"},
    "analysis": {"core", "io", "analysis"},
    "report": {"core", "io", "analysis", "report"},
    "pipeline": {"core", "io", "data", "model", "train", "infer", "analysis", "report", "pipeline"},
}
ALLOWED["cli"] = set(ALLOWED) | {"cli"}
TORCH_OK_SOURCES = {"model", "train", "infer", "pipeline"}
TORCH_OK_HEADERS = {"model"}
INCLUDE_STD = re.compile(r"^[a-z_]+$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def stage_of(path, root):
    rel = path.relative_to(root).parts
    if rel[0] == "src":
        return rel[1], False
    if rel[0] == "include":
        return rel[2], True
    return None, False


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    files = list((root / "src").rglob("*.[ch]pp")) + list((root / "include" / "segoid").rglob("*.hpp"))
    for path in files:
        stage, is_header = stage_of(path, root)
        if stage not in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            where = f"{path.relative_to(root)}:{number}"
            if path.name == "contract.hpp" and is_header and not INCLUDE_STD.match(target):
                problems.append(f"{where}: a contract header includes standard headers only, not {target}")
            if target.startswith("segoid/"):
                parts = target.split("/")
                if parts[-1] == "contract.hpp" and len(parts) == 3:
                    continue
                if len(parts) > 2 and parts[1] not in ALLOWED[stage]:
                    problems.append(f"{where}: {stage} may not include {target}")
            if target.startswith(("torch/", "ATen/", "c10/", "caffe2/")):
                ok = TORCH_OK_HEADERS if is_header else TORCH_OK_SOURCES
                if stage not in ok:
                    problems.append(f"{where}: torch include {target} not allowed in {stage}"
                                    f"{' headers' if is_header else ''}")
    for problem in problems:
        print(problem)
    print(f"checked {len(files)} files: {len(problems)} include violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
