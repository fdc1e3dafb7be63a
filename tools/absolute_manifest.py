# SPDX-License-Identifier: MIT
# Rewrites a manifest's image_path/mask_path as absolute paths under ROOT, so that manifests of
# sets with different data roots can be used together (data_root: /).
#
# Usage: /usr/bin/python3 tools/absolute_manifest.py MANIFEST ROOT OUT
import csv
import os
import sys


def main():
    manifest, root, out = sys.argv[1:4]
    with open(manifest, newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        for column in ("image_path", "mask_path"):
            if row.get(column):
                row[column] = os.path.abspath(os.path.join(root, row[column]))
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
