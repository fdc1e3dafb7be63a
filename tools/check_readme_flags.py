#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks that the README's CLI table lists every flag of every command: for each command that
# `segoid --help` lists, every long option of `segoid <command> --help` (negations included)
# appears in that command's row ("--[no-]x" counts for --x and --no-x). Exit 1 with one line per
# missing flag or row. Usage: check_readme_flags.py SEGOID_BINARY README.md
import re
import subprocess
import sys

LONG = re.compile(r"--[A-Za-z0-9][A-Za-z0-9-]*")
SKIPPED = {"--help"}


def help_text(binary, *args):
    done = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=True)
    return done.stdout


def section(text, title):
    """The indented lines of one help section ("Options:", "Subcommands:")."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
        elif inside and line and not line[0].isspace():
            inside = False
        elif inside and line.strip():
            lines.append(line)
    return lines


def commands(binary):
    names = []
    for line in section(help_text(binary), "Subcommands:"):
        if line.startswith("  ") and not line.startswith("   "):
            names.append(line.split()[0].rstrip(","))
    return names


def flags(binary, command):
    found = []
    for line in section(help_text(binary, command), "Options:"):
        names = line.split()[0] if line.split() else ""
        found += [name for name in LONG.findall(names) if name not in SKIPPED]
    return found


def readme_rows(readme):
    rows = {}
    for line in open(readme, encoding="utf-8"):
        match = re.match(r"\| `([a-z_]+)`", line)
        if match and match.group(1) not in rows:  # the CLI table comes first; later tables cite commands too
            text = line.replace("--[no-]", "--")  # "--[no-]x" lists --x ...
            text += " " + line.replace("--[no-]", "--no-")  # ... and --no-x
            rows[match.group(1)] = set(LONG.findall(text))
    return rows


def main():
    binary, readme = sys.argv[1], sys.argv[2]
    rows = readme_rows(readme)
    problems = []
    names = commands(binary)
    if not names:
        problems.append(f"{binary} --help lists no commands")
    for command in names:
        if command not in rows:
            problems.append(f"{readme}: the CLI table has no row for `{command}`")
            continue
        for flag in flags(binary, command):
            if flag not in rows[command]:
                problems.append(f"{readme}: the `{command}` row of the CLI table does not list {flag}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
