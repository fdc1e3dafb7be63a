// SPDX-License-Identifier: MIT
// Per-epoch segmentation metrics from pixel counts accumulated over the whole epoch (micro).
#pragma once

#include <cstdint>

namespace segoid::train {

/// Pixel confusion counts at the prediction threshold.
struct ConfusionCounts {
  std::int64_t tp = 0;  ///< predicted foreground, true foreground
  std::int64_t fp = 0;  ///< predicted foreground, true background
  std::int64_t fn = 0;  ///< predicted background, true foreground
  std::int64_t tn = 0;  ///< predicted background, true background
  ConfusionCounts& operator+=(const ConfusionCounts& o) {
    tp += o.tp; fp += o.fp; fn += o.fn; tn += o.tn;
    return *this;
  }
};

/// One epoch's numbers for one split.
struct EpochMetrics {
  double loss = 0.0;       ///< mean loss per patch (batch losses weighted by batch size)
  double dice = 0.0;       ///< 2TP / (2TP + FP + FN); 1 when there is no foreground at all
  double iou = 0.0;        ///< TP / (TP + FP + FN); 1 when there is no foreground at all
  double precision = 0.0;  ///< TP / (TP + FP); with no predicted foreground 1 if FN = 0 else 0
  double recall = 0.0;     ///< TP / (TP + FN); 1 when there is no true foreground
};

/// Metrics from the summed loss (over patches), the patch count and the epoch's pixel counts.
EpochMetrics finalize_metrics(double loss_sum, std::int64_t patches, const ConfusionCounts& counts);

}  // namespace segoid::train
