// SPDX-License-Identifier: MIT
// Per-epoch segmentation metrics from pixel counts accumulated over the whole epoch (micro).
#pragma once

#include <cstdint>

#include "segoid/core/metrics.hpp"

namespace segoid::train {

/// Pixel confusion counts at the prediction threshold (the one definition in core/metrics).
using ConfusionCounts = core::ConfusionCounts;

/// One epoch's numbers for one split.
struct EpochMetrics {
  double loss = 0.0;       ///< mean loss per patch (batch losses weighted by batch size)
  // Scores by core::scores_from_counts: all 1 with no foreground at all, other 0/0 = 0.0.
  double dice = 0.0;       ///< 2TP / (2TP + FP + FN)
  double iou = 0.0;        ///< TP / (TP + FP + FN)
  double precision = 0.0;  ///< TP / (TP + FP)
  double recall = 0.0;     ///< TP / (TP + FN)
};

/// Metrics from the summed loss (over patches), the patch count and the epoch's pixel counts.
EpochMetrics finalize_metrics(double loss_sum, std::int64_t patches, const ConfusionCounts& counts);

}  // namespace segoid::train
