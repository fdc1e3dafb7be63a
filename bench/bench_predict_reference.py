#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The Python SegOid's full-image prediction (tile by tile, batch 1, NCHW, plain BatchNorm, mean
# blending) as the baseline for bench_predict.sh; also makes weights and compares probability maps.
"""Usage:
  bench_predict_reference.py make-weights OUT.pth [--seed S]
  bench_predict_reference.py predict IMAGE WEIGHTS.pth OUT.npy --tile T --overlap O --threads N
  bench_predict_reference.py compare REF.npy OURS_prob.tif
  bench_predict_reference.py flops --tile T     (convolution FLOPs of the Unet per input pixel)
  bench_predict_reference.py mask-dice REF_DIR OURS_DIR   (Dice of each *_pred_mask.tif against REF_DIR's)
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
for candidate in (os.path.join(HERE, "..", "..", "shared", "reference"), "/work/shared/reference"):
    if os.path.isdir(candidate):
        sys.path.insert(0, candidate)
        break
from smp_unet_reference import Unet  # noqa: E402


def make_weights(out, seed):
    """smp-initialized Unet with non-trivial BatchNorm statistics, saved as a Python SegOid checkpoint."""
    torch.manual_seed(seed)
    model = Unet(in_channels=1, classes=1)
    g = torch.Generator().manual_seed(seed + 1)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            # Random running statistics and affine terms, so BatchNorm folding is really exercised
            # and probabilities are not saturated at 0 or 1.
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) * 0.5 + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)
    # smp's head leaves logits near 0 (probabilities ~0.5 everywhere); scale it so that logits on
    # a plate-like input spread over about +-4, which makes the 1e-4 agreement check meaningful.
    model.eval()
    with torch.no_grad():
        x = torch.rand(1, 1, 256, 256, generator=g)
        logits = model(x)
        head = model.segmentation_head[0]
        scale = 2.0 / float(logits.std())
        head.weight.mul_(scale)
        head.bias.copy_(-float(logits.mean()) * scale + head.bias * scale)
    torch.save({"model_state_dict": model.state_dict(), "epoch": 0}, out)


def read_image(path):
    import tifffile
    image = tifffile.imread(path)
    if image.ndim == 3:  # RGB -> gray by BT.601 luma, as SegOid reads it
        image = image[..., :3] @ np.array([0.299, 0.587, 0.114])
    return image


def normalize_range(image):
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    if image.dtype == np.uint16:
        return image.astype(np.float32) / 65535.0
    return np.clip(image.astype(np.float32), 0.0, 1.0)


def plan_axis(length, tile, overlap):
    if length <= tile:
        return [0]
    stride = max(1, int(round(tile * (1.0 - overlap))))
    origins = list(range(0, length - tile, stride))
    origins.append(length - tile)
    return origins


def load_model(weights):
    state = torch.load(weights, map_location="cpu")
    if "model_state_dict" in state:
        state = state["model_state_dict"]
    model = Unet(in_channels=1, classes=1)
    model.load_state_dict(state)
    return model.eval()


def predict(args):
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    model = load_model(args.weights)
    image = normalize_range(read_image(args.image))
    h, w = image.shape
    assert h >= args.tile and w >= args.tile, "bench images are larger than a tile"
    prob_sum = np.zeros((h, w), np.float32)
    count = np.zeros((h, w), np.float32)
    tiles = 0
    model_s = 0.0
    with torch.no_grad():
        for y in plan_axis(h, args.tile, args.overlap):
            for x in plan_axis(w, args.tile, args.overlap):
                patch = torch.from_numpy(np.ascontiguousarray(image[y:y + args.tile, x:x + args.tile]))[None, None]
                m0 = time.perf_counter()
                prob = torch.sigmoid(model(patch))[0, 0].numpy()
                model_s += time.perf_counter() - m0
                prob_sum[y:y + args.tile, x:x + args.tile] += prob
                count[y:y + args.tile, x:x + args.tile] += 1.0
                tiles += 1
    prob = prob_sum / count
    mask = (prob > 0.5).astype(np.uint8) * 255
    import tifffile
    tifffile.imwrite(args.out.replace(".npy", "_mask.tif"), mask, compression="zlib")
    np.save(args.out, prob)
    wall = time.perf_counter() - t0
    print(f"python_wall_s={wall:.3f} python_model_s={model_s:.3f} tiles={tiles}")


def read_float_tiff(path):
    # tifffile needs imagecodecs for the floating-point predictor; Pillow decodes it through libtiff.
    from PIL import Image
    return np.array(Image.open(path), dtype=np.float32)


def compare(args):
    ref = np.load(args.reference)
    ours = read_float_tiff(args.ours)
    if ref.shape != ours.shape:
        print(f"shape mismatch: python {ref.shape} vs segoid {ours.shape}")
        sys.exit(1)
    diff = np.abs(ref - ours)
    print(f"max_abs_prob_diff={diff.max():.3e} mean_abs_prob_diff={diff.mean():.3e} "
          f"prob_range=[{ref.min():.3f},{ref.max():.3f}] prob_std={ref.std():.3f}")
    if diff.max() > args.tolerance:
        print(f"FAIL: probabilities differ by more than {args.tolerance}")
        sys.exit(1)
    print(f"OK: probabilities agree within {args.tolerance}")


def mask_dice(args):
    """Dice of every mask in OURS_DIR against the mask of the same name in REF_DIR (both empty: 1)."""
    import glob
    import tifffile
    dices, differing = [], 0
    for ref_path in sorted(glob.glob(os.path.join(args.reference, "*_pred_mask.tif"))):
        ref = tifffile.imread(ref_path) > 0
        ours = tifffile.imread(os.path.join(args.ours, os.path.basename(ref_path))) > 0
        total = int(ref.sum() + ours.sum())
        dices.append(1.0 if total == 0 else 2.0 * int((ref & ours).sum()) / total)
        differing += int((ref != ours).sum())
    if not dices:
        print(f"no *_pred_mask.tif in {args.reference}")
        sys.exit(1)
    print(f"masks={len(dices)} min_dice={min(dices):.6f} mean_dice={np.mean(dices):.6f} differing_pixels={differing}")


def flops(args):
    """Multiply-adds x 2 of every convolution (forward hooks), for one tile, per input pixel."""
    model = Unet(in_channels=1, classes=1).eval()
    total = [0]

    def hook(module, inputs, output):
        kh, kw = module.kernel_size
        total[0] += 2 * output.numel() * (module.in_channels // module.groups) * kh * kw

    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 1, args.tile, args.tile))
    print(f"flops_per_tile={total[0]} flops_per_pixel={total[0] / (args.tile * args.tile):.1f} tile={args.tile}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make-weights")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("predict")
    p.add_argument("image")
    p.add_argument("weights")
    p.add_argument("out")
    p.add_argument("--tile", type=int, default=256)
    p.add_argument("--overlap", type=float, default=0.25)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p = sub.add_parser("compare")
    p.add_argument("reference")
    p.add_argument("ours")
    p.add_argument("--tolerance", type=float, default=1e-4)
    p = sub.add_parser("flops")
    p.add_argument("--tile", type=int, default=256)
    p = sub.add_parser("mask-dice")
    p.add_argument("reference")
    p.add_argument("ours")
    args = parser.parse_args()
    if args.command == "mask-dice":
        mask_dice(args)
    elif args.command == "flops":
        flops(args)
    elif args.command == "make-weights":
        make_weights(args.out, args.seed)
    elif args.command == "predict":
        predict(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
