# SPDX-License-Identifier: MIT
# Writes torch.save fixtures for the model tests: usage make_torch_fixtures.py OUT_DIR [REFERENCE_DIR].
# Each tensor file comes with a plain-text digest (name, dtype, shape, float64 sum, first values)
# so that the C++ side checks its unpickler against numbers not read through it.
import collections, datetime, os, sys, zipfile
import numpy as np
import torch
import torchvision

out = sys.argv[1]
ref_dir = sys.argv[2] if len(sys.argv) > 2 else ""


def digest(path, state):
    with open(path, "w") as f:
        for name, t in state.items():
            flat = t.detach().reshape(-1).to(torch.float64)
            first = " ".join(repr(float(v)) for v in flat[:3])
            shape = "x".join(str(s) for s in t.shape) or "scalar"
            f.write(f"{name}\t{str(t.dtype).replace('torch.', '')}\t{shape}\t{float(flat.sum())!r}\t{first}\n")


torch.manual_seed(0)
resnet = torchvision.models.resnet18().state_dict()
for name, t in resnet.items():  # non-trivial BN statistics
    if name.endswith("running_mean") or name.endswith("running_var") or name.endswith("bn1.bias"):
        t.copy_(torch.rand_like(t) + 0.5)
torch.save(resnet, os.path.join(out, "resnet18.pth"))
digest(os.path.join(out, "resnet18.digest"), resnet)
# conv1 summed over RGB as smp adapts it for 1 input channel, raw float32.
resnet["conv1.weight"].sum(1, keepdim=True).numpy().astype("<f4").tofile(os.path.join(out, "conv1_gray.f32"))

inner = collections.OrderedDict([("b.weight", torch.randn(3, 2)), ("a.bias", torch.randn(4))])
nested = {"model_state_dict": inner, "epoch": 12, "best_val_dice": 0.875, "name": "run é", "none": None,
          "flag": True, "off": False, "big": 2 ** 40, "neg": -5, "neg_big": -(2 ** 35), "lst": [1, 2.5, "x"],
          "tup": (1, 2), "history": {"val_dice": [0.1, 0.2]}, "bytes": b"\x00\xffab"}
torch.save(nested, os.path.join(out, "nested.pth"))
torch.save(nested, os.path.join(out, "nested_p4.pth"), pickle_protocol=4)
digest(os.path.join(out, "nested.digest"), inner)

base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = collections.OrderedDict([("view", base[1:, 2:5]), ("transposed", base.t()), ("base", base),
                                 ("i64", torch.arange(5, dtype=torch.int64) * -3),
                                 ("f64", torch.randn(3, 2, dtype=torch.float64)),
                                 ("u8", torch.tensor([0, 7, 255], dtype=torch.uint8)),
                                 ("param", torch.nn.Parameter(torch.randn(2, 2)))])
torch.save(views, os.path.join(out, "views.pth"))
digest(os.path.join(out, "views.digest"), views)

torch.save({"f": np.float64(0.25), "f32": np.float32(1.5), "i": np.int64(-7)}, os.path.join(out, "numpy.pth"))
torch.save({"when": datetime.date(2020, 1, 2)}, os.path.join(out, "unknown_global.pth"))
torch.save({"x": torch.ones(2)}, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)
with zipfile.ZipFile(os.path.join(out, "bad_opcode.pth"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", b"\x80\x02I1\n.")  # text INT opcode: never written by torch
    z.writestr("archive/version", b"3\n")

if ref_dir:
    sys.path.insert(0, ref_dir)
    import smp_unet_reference as ref

    torch.manual_seed(1)
    model = ref.Unet(in_channels=1, classes=1)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("running_mean"):
                t.copy_(torch.randn_like(t) * 0.1)
            elif name.endswith("running_var"):
                t.copy_(torch.rand_like(t) + 0.5)
            elif name.endswith("num_batches_tracked"):
                t.fill_(123)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randn(2, 1, 64, 96)
    model.train()
    model(x).mean().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
    sched.step(0.3)
    model.eval()
    with torch.no_grad():
        y = model(x)
    torch.save({"epoch": 9, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "scheduler_state_dict": sched.state_dict(), "best_val_dice": np.float64(0.8125),
                "history": {"train_loss": [0.5, 0.25], "val_dice": [np.float64(0.5), 0.8125]}},
               os.path.join(out, "python_segoid.pth"))
    # The Python tool's train.py also saves its config dict: model_info reads the manifests from it.
    torch.save({"epoch": 4, "model_state_dict": model.state_dict(), "best_val_dice": 0.75,
                "config": {"data": {"train_manifest": "data/splits/train.csv", "val_manifest": "data/splits/val.csv"},
                           "dataset": {"patch_size": 192}, "model": {"encoder": "resnet18"}}},
               os.path.join(out, "python_segoid_config.pth"))
    wrapped = collections.OrderedDict(("module." + k, v) for k, v in model.state_dict().items())
    torch.save({"model_state_dict": wrapped}, os.path.join(out, "data_parallel.pth"))  # nn.DataParallel keys
    x.numpy().astype("<f4").tofile(os.path.join(out, "input_2x1x64x96.f32"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "output_2x1x64x96.f32"))
print("ok")
