#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (small files, committed).
# Usage: make_seeds.py [MAKE_IMAGE_SEEDS_BINARY]   (PNG/JPEG/BMP and LZW TIFF seeds need that helper,
# built as <build>/fuzz/make_image_seeds)
import io
import pathlib
import pickle
import struct
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"


def put(target, name, data):
    d = ROOT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def tiff_seeds():
    import numpy as np
    import tifffile
    rng = np.random.default_rng(1)
    g8 = rng.integers(0, 255, (9, 13), dtype=np.uint8)
    variants = {
        "u8.tif": dict(data=g8),
        "u8_lzw.tif": dict(data=g8, compression="lzw"),
        "u8_deflate_pred.tif": dict(data=g8, compression="zlib", predictor=True),
        "u8_packbits.tif": dict(data=g8, compression="packbits"),
        "u16_big.tif": dict(data=g8.astype(">u2") * 257),
        "f32.tif": dict(data=g8.astype(np.float32) / 255),
        "rgb_contig.tif": dict(data=np.stack([g8] * 3, -1), photometric="rgb"),
        "rgb_planar.tif": dict(data=np.stack([g8] * 3, 0), photometric="rgb", planarconfig="separate"),
        "rgba.tif": dict(data=np.stack([g8] * 4, -1), photometric="rgb", extrasamples=[2]),
        "tiled.tif": dict(data=rng.integers(0, 255, (40, 40), dtype=np.uint8), tile=(16, 16)),
        "bilevel.tif": dict(data=g8 > 128, photometric="minisblack"),
        "two_pages.tif": None,
        "bigtiff.tif": dict(data=g8, bigtiff=True),
        "strips.tif": dict(data=g8, rowsperstrip=2),
        "palette.tif": dict(data=g8, photometric="palette", colormap=np.tile(np.arange(256, dtype=np.uint16) * 257, (3, 1))),
    }
    for name, kwargs in variants.items():
        buf = io.BytesIO()
        if kwargs is None:
            with tifffile.TiffWriter(buf) as w:
                w.write(g8)
                w.write(g8)
        else:
            data = kwargs.pop("data")
            try:
                tifffile.imwrite(buf, data, **kwargs)
            except (KeyError, ValueError, ImportError):  # codec needs imagecodecs: the helper writes LZW
                continue
        put("tiff", name, buf.getvalue())
    # A header that claims 100000 x 100000 16-bit pixels (the "memory bomb" class).
    bomb = bytearray(put_bomb_tiff())
    put("tiff", "header_100000x100000_u16.tif", bytes(bomb))


def put_bomb_tiff():
    entries = [(256, 4, 1, 100000), (257, 4, 1, 100000), (258, 3, 1, 16), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, 100000), (279, 4, 1, 2000000000)]
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack("<HHII", tag, typ, count, value) if typ == 4 else struct.pack("<HHIHH", tag, typ, count, value, 0)
    out += struct.pack("<I", 0)
    return bytes(out)


def png_chunk(kind, data):
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png():
    import zlib
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 16, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b"")


def image_seeds(helper):
    if helper:
        d = ROOT / "image"
        d.mkdir(parents=True, exist_ok=True)
        subprocess.run([helper, str(d), str(ROOT / "tiff")], check=True)
    put("image", "header_100000x100000_u16.png", bomb_png())


def torch_seeds():
    import collections
    import torch
    small = collections.OrderedDict(
        [("conv.weight", torch.arange(6, dtype=torch.float32).reshape(1, 2, 3)),
         ("bn.running_var", torch.ones(2, dtype=torch.float64)),
         ("bn.num_batches_tracked", torch.tensor(3))])
    view = torch.arange(12, dtype=torch.int16)
    objects = {
        "state_dict.pth": small,
        "checkpoint.pth": {"epoch": 3, "best_dice": 0.5, "model_state_dict": small, "name": "unet",
                           "flags": [True, None, 1.5], "shape": (1, 2)},
        "views.pth": {"a": view[2:8], "b": view.reshape(3, 4).t(), "half": torch.zeros(2, dtype=torch.float16),
                      "u8": torch.zeros(3, dtype=torch.uint8), "bool": torch.tensor([True, False])},
        "parameter.pth": {"p": torch.nn.Parameter(torch.ones(2))},
    }
    for name, obj in objects.items():
        buf = io.BytesIO()
        torch.save(obj, buf)
        data = buf.getvalue()
        put("torch_zip", name, data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = [n for n in z.namelist() if n.endswith("data.pkl")][0]
            put("pickle", name.replace(".pth", ".pkl"), z.read(pkl))
    for proto in (2, 3, 4, 5):
        put("pickle", f"plain_p{proto}.pkl",
            pickle.dumps({"a": [1, 2.5, "x", b"yz", None, True], "b": (1, (2, 3)), 7: {"n": -(2**40)}},
                         protocol=proto))
    # A pickle that calls os.system and one nested 100000 levels deep (refused classes).
    put("pickle", "os_system.pkl", b"cos\nsystem\n(S'true'\ntR.")
    put("pickle", "deep_lists.pkl", b"\x80\x02" + b"]" * 2000 + b"a" * 1999 + b".")
    # A zip whose directory declares a 100 GB storage in a tiny file.
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    while cd != -1:
        name_len = struct.unpack_from("<H", data, cd + 28)[0]
        name = bytes(data[cd + 46:cd + 46 + name_len])
        if name.endswith(b"data/0"):
            struct.pack_into("<II", data, cd + 20, 0xFFFFFFF0, 0xFFFFFFF0)
        cd = data.rfind(b"PK\x01\x02", 0, cd)
    put("torch_zip", "giant_storage_claim.pth", bytes(data))


def text_seeds(repo):
    put("csv", "simple.csv", "a,b,c\n1,2,3\n4,5,6\n")
    put("csv", "quoted.csv", 'name,notes\n"x, y","say ""hi"""\r\n"multi\nline",z\n')
    put("csv", "ragged.csv", "a,b\n1\n1,2,3\n")
    put("csv", "unterminated.csv", 'a,b\n"open,1\n')
    put("csv", "bom_crlf.csv", "\ufeffa,b\r\n1,2\r\n")
    manifest = ("basename,image_path,mask_path,mask_coverage,object_count,empty_confirmed,date,batch,operator,notes\n"
                "A01,working/images/A01.tif,working/masks/A01_mask.tif,0.25,3,false,2024-01-02,b1,me,\"n, 1\"\n"
                "A02,working/images/A02.tif,,,,,,,,\n")
    put("manifest", "all.csv", manifest)
    put("manifest", "minimal.csv", "basename,image_path\nX,images/X.png\n")
    put("manifest", "duplicate.csv", "basename,image_path,mask_path\nX,a.tif,b.tif\nX,c.tif,d.tif\n")
    put("manifest", "extra_columns.csv", "basename,image_path,mask_path,plate,well\nP1,i.tif,m.tif,7,B03\n")
    for cfg in sorted((repo / "configs").glob("*.yaml")):
        put("yaml", cfg.name, cfg.read_bytes())
    put("yaml", "ill_typed.yaml", "training:\n  epochs: many\n")
    put("yaml", "anchors.yaml", "a: &x [1, 2]\nb: *x\ntraining: {epochs: 2, batch_size: 2}\n")
    pixel = "basename,dice,iou,precision,recall,pred_area,gt_area\n"
    inst = "basename,tp,fp,fn,precision,recall,f1,mean_iou\n"
    objs = "basename,label,area,perimeter,equivalent_diameter,circularity,centroid_x,centroid_y\n"
    put("merge_metrics", "shards.txt",
        pixel + "A,0.9,0.8,0.9,0.9,100,110\n=====\n" + pixel + "B,0.5,0.4,0.6,0.5,50,60\n=====\n" +
        inst + "A,3,1,0,0.75,1,0.857,0.7\nB,0,0,0,nan,nan,nan,nan\n=====\n" + objs + "A,1,100,40,11.3,0.8,5,6\n")
    put("merge_metrics", "duplicate_image.txt", pixel + "A,1,1,1,1,1,1\n=====\n" + pixel + "A,1,1,1,1,1,1\n")
    put("merge_metrics", "header_mismatch.txt", pixel + "A,1,1,1,1,1,1\n=====\nbasename,x\nB,1\n")


def review_seeds():
    """Raw HTTP requests to the review server (token and names as in fuzz_review_request.cpp)."""
    token = "0123456789abcdef0123456789abcdef"

    def request(method, target, body="", headers=None):
        headers = {"Host": "127.0.0.1:8000", **(headers or {})}
        lines = [f"{method} {target} HTTP/1.1"]
        for key, value in headers.items():
            lines.append(f"{key}: {value}")
        if body:
            lines.append(f"Content-Length: {len(body.encode())}")
            lines.append("Content-Type: application/json")
        return "\r\n".join(lines) + "\r\n\r\n" + body

    t = f"t={token}"
    seeds = {
        "page.http": request("GET", f"/?{t}"),
        "css.http": request("GET", f"/review.css?{t}"),
        "session.http": request("GET", f"/api/session?{t}"),
        "header_token.http": request("GET", "/api/session", headers={"X-Review-Token": token}),
        "image.http": request("GET", f"/api/image?{t}&name=A&layer=image"),
        "overlay.http": request("GET", f"/api/image?{t}&name=A&layer=overlay&v=1"),
        "thumb.http": request("GET", f"/api/thumb?{t}&name=B"),
        "region.http": request("GET", f"/api/region?{t}&name=A&layer=image&x=5&y=5&w=40&h=30&ow=80&oh=60"),
        "region_mask.http": request("GET", f"/api/region?{t}&name=A&layer=overlay&x=-5&y=0&w=400&h=300"),
        "flag.http": request("POST", f"/api/flag?{t}&name=A", '{"flagged": true, "reason": "poor_boundary"}'),
        "unflag.http": request("POST", f"/api/flag?{t}&name=B", '{"flagged": false}'),
        "seen.http": request("POST", f"/api/seen?{t}&name=A"),
        "edits.http": request("POST", f"/api/edits?{t}&name=A",
                              '[{"op":"polygon","mode":"add","points":[[1,1],[30,2],[15,25]]},'
                              '{"op":"brush","mode":"cut","radius":3,"points":[[20,20],[25,22]]},'
                              '{"op":"reject","x":70,"y":50}]'),
        "correction.http": request("POST", f"/api/correction?{t}&name=A"),
        "finish.http": request("POST", f"/api/finish?{t}"),
        "no_token.http": request("GET", "/api/session"),
        "rebinding.http": request("GET", f"/api/session?{t}", headers={"Host": "evil.example"}),
        "dotdot.http": request("GET", f"/api/../etc/passwd?{t}"),
        "encoded.http": request("GET", f"/api/image?t=%30123456789abcdef0123456789abcdef&name=%41&layer=image"),
        "continue.http": request("POST", f"/api/flag?{t}&name=A", '{"flagged": true}', {"Expect": "100-continue"}),
        "chunked.http": (f"POST /api/edits?{t}&name=B HTTP/1.1\r\nHost: localhost\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n"),
        "put.http": request("PUT", f"/api/flag?{t}&name=A", "{}"),
    }
    for name, text in seeds.items():
        put("review_request", name, text)


def plate_seeds(repo):
    """Fiji ROI sets (through the independent writer of the tests) and plate layouts."""
    sys.path.insert(0, str(repo / "tests" / "io"))
    import imagej_roi_reference as roi
    polygon = roi.encode(0, "17", points=[[3, 4], [9, 4], [9, 6], [12, 6], [12, 11], [3, 11]])
    traced = roi.encode(8, "2", points=[[x, 0] for x in range(0, 40, 2)] + [[40, 30], [0, 30]])
    sub_pixel = roi.encode(7, "sub", points=[[1.5, 2.25], [9.75, 2.25], [5, 8.5]], sub_pixel=True)
    rect = roi.encode(1, "box", bounds=(4, 4, 10, 6))
    oval = roi.encode(2, "oval", bounds=(2.5, 3, 20, 9.5), sub_pixel=True)
    for name, members, method in [("polygons.zip", [polygon, traced], zipfile.ZIP_DEFLATED),
                                  ("mixed_stored.zip", [polygon, sub_pixel, rect, oval], zipfile.ZIP_STORED),
                                  ("not_rois.zip", [], zipfile.ZIP_DEFLATED)]:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=method) as z:
            for i, member in enumerate(members):
                z.writestr("%04d.roi" % i, member)
            z.writestr("readme.txt", "x")
        put("roiset", name, buf.getvalue())
    put("roiset", "single.roi", polygon)
    put("roiset", "oval.roi", oval)
    put("layout", "layout.csv", "plate,well,compound,concentration,unit,replicate\n"
                                "VID1,A1,cmpd-A,0.03,uM,1\nVID1,A2,cmpd-A,0.1,uM,1\nVID1,H12,vehicle,0,uM,1\n")
    put("layout", "formats.csv", "well,plate_format,concentration\nAF48,1536,1e-3\nP24,1536,\n")
    put("layout", "duplicate.csv", "well,compound\nA1,x\na01,y\n")
    put("layout", "bad_concentration.csv", "well,concentration\nB2,ten\n")
    put("layout", "quoted.csv", 'well,compound,notes\nC3,"a, b","say ""hi"""\n')


def main():
    repo = pathlib.Path(__file__).resolve().parent.parent
    helper = sys.argv[1] if len(sys.argv) > 1 else None
    text_seeds(repo)
    tiff_seeds()
    image_seeds(helper)
    torch_seeds()
    review_seeds()
    plate_seeds(repo)
    total = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
    print(f"seeds in {ROOT}: {sum(1 for p in ROOT.rglob('*') if p.is_file())} files, {total} bytes")


if __name__ == "__main__":
    main()
