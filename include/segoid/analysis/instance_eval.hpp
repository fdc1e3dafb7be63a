// SPDX-License-Identifier: MIT
// Object-level evaluation: IoU between predicted and true objects, optimal one-to-one matching,
// detection precision / recall / F1.
#pragma once

#include <vector>

#include "segoid/analysis/region_props.hpp"

namespace segoid::analysis {

/// Two objects that share at least one pixel.
struct Overlap {
  int pred_label = 0;  ///< label in the prediction
  int true_label = 0;  ///< label in the ground truth
  double iou = 0;      ///< intersection / union of their pixel sets, in (0, 1]
};

/// IoU of every (prediction, truth) pair that overlaps, from one joint histogram of label pairs:
/// O(H W + pairs). Pairs absent from the result have IoU 0. Sorted by (pred_label, true_label).
/// Throws DataError when the two label images differ in size.
std::vector<Overlap> pairwise_iou(const LabeledMask& pred, const LabeledMask& truth);

/// One accepted match.
struct MatchedPair {
  int pred_label = 0;
  int true_label = 0;
  double iou = 0;             ///< in [iou_threshold, 1]
  double centroid_shift = 0;  ///< px, distance between the two objects' centroids
};

/// Precision, recall and F1 from object counts, by core::scores_from_counts, except that an image
/// with neither a true nor a predicted object scores 0.0 as in the Python SegOid (whose
/// instance_eval.csv and summary.csv means a notebook reads); any 0/0 is 0.0.
/// F1 = 2 TP / (2 TP + FP + FN).
struct DetectionScores {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};
DetectionScores detection_scores(long tp, long fp, long fn);

/// Result of matching one image's objects.
struct InstanceEval {
  int n_pred = 0;
  int n_true = 0;
  int tp = 0;  ///< accepted matches
  int fp = 0;  ///< predicted objects without an accepted match
  int fn = 0;  ///< true objects without an accepted match
  DetectionScores scores;
  double mean_matched_iou = 0;        ///< over accepted matches; 0.0 when tp = 0
  double mean_centroid_shift = 0;     ///< px, over accepted matches; NaN when tp = 0
  std::vector<MatchedPair> matches;   ///< sorted by pred_label
};

/// Matches predicted to true objects one-to-one so that the summed IoU is maximal (Hungarian
/// algorithm, solved per connected group of overlapping objects, which gives the same optimum as
/// the full matrix), then rejects matches with IoU < `iou_threshold` (IoU = threshold is kept).
/// Throws DataError when sizes differ, ConfigError unless 0 < iou_threshold <= 1.
InstanceEval evaluate_instances(const LabeledMask& pred, const LabeledMask& truth, double iou_threshold = 0.5);

}  // namespace segoid::analysis
