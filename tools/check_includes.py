#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks every #include against SegOid's stage table (STYLE.md §2-3): includes point down the
# stack only, and torch appears only where it is allowed, also when a header pulls it in
# (transitively). Covers src/, include/segoid/, tests/ and bench/. With --torch-sources FILE
# (written by CMake), also flags sources whose torch classification is out of date (re-run cmake).
# Exit 1 with one line per violation.
import argparse
# A stage's contract.hpp (the file names and columns it writes, STYLE.md §6) may be included by
# any stage, so it may include standard headers only.
import pathlib
import re
import sys

ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "data": {"core", "io", "data"},
    "synth": {"core", "io", "data", "synth"},
    "model": {"core", "io", "data", "model"},
    "train": {"core", "io", "data", "model", "train"},
    "infer": {"core", "io", "data", "model", "infer"},
    "analysis": {"core", "io", "analysis"},
    "report": {"core", "io", "analysis", "report"},
    "pipeline": {"core", "io", "data", "synth", "model", "train", "infer", "analysis", "report", "pipeline"},
}
ALLOWED["cli"] = set(ALLOWED) | {"cli"}
ALLOWED["bench"] = set(ALLOWED)
# Where torch may be reached, directly or through headers. Public headers: model only. Sources
# (and the stage-internal headers next to them in src/): these stages, their tests and bench/.
TORCH_OK_SOURCES = {"model", "train", "infer", "pipeline", "bench"}
TORCH_OK_HEADERS = {"model"}
TORCH_PREFIXES = ("torch/", "ATen/", "c10/", "caffe2/")
INCLUDE_STD = re.compile(r"^[a-z_]+$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def classify(path, root):
    """(stage, is_public_header) of a file, or (None, False) when no rule applies."""
    rel = path.relative_to(root).parts
    if rel[0] == "src" and len(rel) > 2:
        return rel[1], False
    if rel[0] == "include" and len(rel) > 3:
        return rel[2], True
    if rel[0] == "tests":
        # tests/<stage>/x: the stage's rules; tests/test_support.*: linked into every test, torch-free.
        return (rel[1], False) if len(rel) > 2 else ("core_tests", False)
    if rel[0] == "bench":
        return "bench", False
    return None, False


class Scanner:
    """Resolves includes the way the build does and finds the torch include a file reaches."""

    def __init__(self, root):
        self.root = root
        self.includes = {}
        self.torch = {}

    def includes_of(self, path):
        if path not in self.includes:
            found = []
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if match:
                    found.append((number, match.group(1)))
            self.includes[path] = found
        return self.includes[path]

    def resolve(self, target, origin):
        for base in (self.root / "include", origin.parent, self.root / "tests"):
            candidate = base / target
            if candidate.is_file():
                return candidate.resolve()
        return None

    def torch_chain(self, path, visiting=()):
        """The include chain from `path` to a torch header (list of names), or None."""
        if path in self.torch:
            return self.torch[path]
        if path in visiting:
            return None
        chain = None
        for _, target in self.includes_of(path):
            if target.startswith(TORCH_PREFIXES):
                chain = [target]
                break
            header = self.resolve(target, path)
            if header is not None:
                sub = self.torch_chain(header, visiting + (path,))
                if sub:
                    chain = [str(header.relative_to(self.root))] + sub
                    break
        self.torch[path] = chain
        return chain


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--torch-sources", help="CMake's list of sources compiled against torch")
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    scanner = Scanner(root)
    problems = []
    files = sorted(list((root / "src").rglob("*.[ch]pp")) + list((root / "include" / "segoid").rglob("*.hpp")) +
                   list((root / "tests").rglob("*.[ch]pp")) + list((root / "bench").rglob("*.[ch]pp")))
    for path in files:
        stage, is_header = classify(path, root)
        rel = path.relative_to(root)
        allowed = {"core", "io", "data"} if stage == "core_tests" else ALLOWED.get(stage)
        if allowed is None:
            continue
        for number, target in scanner.includes_of(path):
            if path.name == "contract.hpp" and is_header and not INCLUDE_STD.match(target):
                problems.append(f"{rel}:{number}: a contract header includes standard headers only, not {target}")
            if target.startswith("segoid/"):
                parts = target.split("/")
                if parts[-1] == "contract.hpp" and len(parts) == 3:
                    continue
                if len(parts) > 2 and parts[1] not in allowed:
                    problems.append(f"{rel}:{number}: {stage} may not include {target}")
        torch_ok = TORCH_OK_HEADERS if is_header else TORCH_OK_SOURCES
        if stage not in torch_ok:
            chain = scanner.torch_chain(path.resolve())
            if chain:
                where = "headers" if is_header else "files"
                problems.append(f"{rel}: torch not allowed in {stage} {where}, reached through " + " -> ".join(chain))
    if args.torch_sources:
        recorded = {pathlib.Path(line).resolve() for line in pathlib.Path(args.torch_sources).read_text().split()}
        for path in sorted((root / "src").glob("*/*.cpp")):
            if path.parent.name == "cli":
                continue
            uses = scanner.torch_chain(path.resolve()) is not None
            if uses != (path.resolve() in recorded):
                state = "includes torch but was configured torch-free" if uses else "no longer includes torch"
                problems.append(f"{path.relative_to(root)}: {state}; re-run cmake so that it compiles in the right library")
    for problem in problems:
        print(problem)
    print(f"checked {len(files)} files: {len(problems)} include violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
