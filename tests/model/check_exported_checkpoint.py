# SPDX-License-Identifier: MIT
# Loads a SegOid-exported .pth with torch.load, strict into the smp reference Unet, and prints the
# largest difference of its eval forward from a stored output.
# Usage: check_exported_checkpoint.py PTH REFERENCE_DIR INPUT.f32 OUTPUT.f32 N C H W
import sys
import numpy as np
import torch

pth, ref_dir, input_path, output_path = sys.argv[1:5]
shape = [int(v) for v in sys.argv[5:9]]
sys.path.insert(0, ref_dir)
import smp_unet_reference as ref

checkpoint = torch.load(pth, map_location="cpu")
model = ref.Unet(in_channels=shape[1], classes=1)
model.load_state_dict(checkpoint["model_state_dict"], strict=True)
model.eval()
x = torch.from_numpy(np.fromfile(input_path, dtype="<f4").reshape(shape))
expected = torch.from_numpy(np.fromfile(output_path, dtype="<f4").reshape(shape[0], 1, shape[2], shape[3]))
with torch.no_grad():
    y = model(x)
print("epoch", checkpoint["epoch"], "best_val_dice", checkpoint["best_val_dice"])
print("max_abs_diff", float((y - expected).abs().max()))
