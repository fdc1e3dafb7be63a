// SPDX-License-Identifier: MIT
// The README written into a correction workspace: the Fiji steps.
#include "corrections_readme.hpp"

#include <fmt/format.h>

namespace segoid::data {

std::string correction_readme(const std::filesystem::path& workspace, std::size_t images) {
  return fmt::format(R"(# Correction workspace

{images} flagged image(s) to correct, written by `segoid export_for_correction`.

| folder / file | what |
|---|---|
| `images/` | the flagged images (copies; do not edit) |
| `predicted_masks/<basename>_mask.tif` | the model's masks, 0/255: your starting points |
| `corrected_masks/` | save your corrected masks here, same names |
| `manifest.csv` | one row per image; `status` is `pending` until imported |

## Correcting a mask in Fiji

1. Open the image from `images/` and its mask from `predicted_masks/` (File > Open).
2. Check the settings once: Process > Binary > Options, tick **Black background**
   (objects white = 255, background black = 0).
3. On the mask, fix what is wrong. To see the image underneath, Image > Overlay > Add Image...
   with the image at 50% opacity, or Image > Color > Merge Channels.
   - Missed spheroid: draw it with the Freehand or Polygon selection, Edit > Fill (white).
   - False positive or a part to cut away: select it, Edit > Clear (black), or use the wand.
   - Merged spheroids: draw a black line between them (Pencil, width 2 or more).
4. Make sure the mask is still 8-bit 0/255: Image > Type > 8-bit, then Process > Binary > Make Binary.
5. File > Save As > Tiff... into `corrected_masks/` with the same name `<basename>_mask.tif`.
   Do not resize or crop: the mask must keep the image's width and height.

Or with ROIs: outline each spheroid (Freehand, Polygon, Wand, Oval or Rectangle selection; add
each to the ROI Manager with `t`), then in the ROI Manager More > Save... into `corrected_masks/` as
`<basename>_RoiSet.zip`. Each area ROI is filled as ImageJ fills it (pixels whose centre is inside);
`segoid quantify_objects --roiset` writes such sets of predicted objects to start from.

Leave an image out of `corrected_masks/` when its prediction needs no change or you have not
done it yet: it stays `pending`.

## Bringing the corrections back

```sh
segoid import_corrections --workspace {workspace} --target-dir data/working --corrector "$USER"
segoid validate_dataset --input-dir data/working --output-dir data/splits
```

`import_corrections` checks every file in `corrected_masks/` (name, size, 0/255 values, no clash
with an existing image) and imports all of them or none. It records who corrected which image,
from which model, in `data/working/corrections_registry.csv`.
)",
                     fmt::arg("images", images), fmt::arg("workspace", workspace.string()));
}

}  // namespace segoid::data
