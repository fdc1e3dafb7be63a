#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# An independent reader and writer of ImageJ ROI files and Fiji RoiSet.zip, written from the format
# as ImageJ documents it in ij/io/RoiDecoder.java and RoiEncoder.java (big-endian header "Iout",
# version, type byte at 6, top/left/bottom/right shorts at 8..15, vertex count at 16, options at
# 50, header-2 offset at 60, 16-bit vertex offsets from 64, float coordinates after them with the
# sub-pixel option 128, header 2 with the name offset at 16 and length at 20, UTF-16 name).
# Python's zipfile does the zip part. Not derived from SegOid's code.
#   imagej_roi_reference.py read RoiSet.zip   -> one JSON line per ROI
#   imagej_roi_reference.py write RoiSet.zip  -> the fixed set of ROIs the test expects
import json
import struct
import sys
import zipfile

SUB_PIXEL = 128
TYPES = {0: "polygon", 1: "rect", 2: "oval", 7: "freehand", 8: "traced"}


def decode(data):
    assert data[0:4] == b"Iout", "magic"
    version = struct.unpack(">h", data[4:6])[0]
    roi_type = data[6]
    top, left, bottom, right = struct.unpack(">hhhh", data[8:16])
    n = struct.unpack(">H", data[16:18])[0]
    options = struct.unpack(">h", data[50:52])[0]
    header2 = struct.unpack(">i", data[60:64])[0]
    name = ""
    if header2 > 0 and header2 + 64 <= len(data):
        name_offset, name_length = struct.unpack(">ii", data[header2 + 16:header2 + 24])
        if name_offset > 0 and name_length > 0:
            name = data[name_offset:name_offset + 2 * name_length].decode("utf-16-be")
    roi = {"name": name, "type": TYPES.get(roi_type, str(roi_type)), "version": version}
    if roi_type in (1, 2):
        roi["bounds"] = [left, top, right - left, bottom - top]
        if options & SUB_PIXEL:
            roi["bounds"] = list(struct.unpack(">ffff", data[18:34]))
        return roi
    if n == 0:
        n = struct.unpack(">i", data[18:22])[0]
    xs = struct.unpack(">%dh" % n, data[64:64 + 2 * n])
    ys = struct.unpack(">%dh" % n, data[64 + 2 * n:64 + 4 * n])
    points = [[left + max(0, x), top + max(0, y)] for x, y in zip(xs, ys)]
    if options & SUB_PIXEL:
        base = 64 + 4 * n
        fx = struct.unpack(">%df" % n, data[base:base + 4 * n])
        fy = struct.unpack(">%df" % n, data[base + 4 * n:base + 8 * n])
        points = [[x, y] for x, y in zip(fx, fy)]
    roi["points"] = points
    return roi


def encode(roi_type, name, points=None, bounds=None, sub_pixel=False):
    header = bytearray(64)
    header[0:4] = b"Iout"
    struct.pack_into(">h", header, 4, 227)
    header[6] = roi_type
    body = b""
    if bounds is not None:
        x, y, w, h = bounds
        struct.pack_into(">hhhh", header, 8, int(y), int(x), int(y + h), int(x + w))
        if sub_pixel:
            struct.pack_into(">h", header, 50, SUB_PIXEL)
            struct.pack_into(">ffff", header, 18, x, y, w, h)
    else:
        left = int(min(p[0] for p in points))
        top = int(min(p[1] for p in points))
        right = int(max(p[0] for p in points))
        bottom = int(max(p[1] for p in points))
        struct.pack_into(">hhhhH", header, 8, top, left, bottom, right, len(points))
        body = struct.pack(">%dh" % len(points), *[int(p[0]) - left for p in points])
        body += struct.pack(">%dh" % len(points), *[int(p[1]) - top for p in points])
        if sub_pixel:
            struct.pack_into(">h", header, 50, SUB_PIXEL)
            body += struct.pack(">%df" % len(points), *[p[0] for p in points])
            body += struct.pack(">%df" % len(points), *[p[1] for p in points])
    header2_offset = 64 + len(body)
    struct.pack_into(">i", header, 60, header2_offset)
    header2 = bytearray(64)
    encoded = name.encode("utf-16-be")
    struct.pack_into(">ii", header2, 16, header2_offset + 64, len(encoded) // 2)
    return bytes(header) + body + bytes(header2) + encoded


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read":
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                roi = decode(z.read(info.filename))
                roi["entry"] = info.filename
                print(json.dumps(roi))
        return
    rois = [
        ("0001-0010-0020.roi", encode(0, "triangle", points=[[10, 10], [30, 10], [10, 30]])),
        ("box.roi", encode(1, "box", bounds=(40, 5, 12, 8))),
        ("0002.roi", encode(2, "oval", bounds=(5, 40, 20, 10))),
        ("sub.roi", encode(7, "", points=[[60.5, 40.25], [70.75, 40.25], [70.75, 52.5], [60.5, 52.5]], sub_pixel=True)),
        ("named.roi", encode(8, "Sphäroid 7", points=[[2, 50], [6, 50], [6, 54], [2, 54]])),
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for entry, data in rois:
            z.writestr(entry, data)
        z.writestr("notes.txt", "not an ROI: skipped")


if __name__ == "__main__":
    main()
