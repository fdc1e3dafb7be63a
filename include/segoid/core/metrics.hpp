// SPDX-License-Identifier: MIT
// The one definition of every score SegOid writes: counts to Dice, IoU, precision, recall, F1,
// and the mean / sample std of a column. Used by train, predict, quantify, CV and merge alike.
#pragma once

#include <cstdint>
#include <vector>

namespace segoid::core {

/// Confusion counts: pixels (segmentation) or objects (detection).
struct ConfusionCounts {
  std::int64_t tp = 0;  ///< predicted and true
  std::int64_t fp = 0;  ///< predicted, not true
  std::int64_t fn = 0;  ///< true, not predicted
  std::int64_t tn = 0;  ///< neither (pixels only; no score uses it)
  ConfusionCounts& operator+=(const ConfusionCounts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    tn += o.tn;
    return *this;
  }
};

/// Scores of one set of counts. Convention (README "Metric conventions"): when truth and
/// prediction are both empty (tp = fp = fn = 0) every score is 1; any other undefined ratio
/// (0/0) is 0.0, as the Python SegOid writes it. Never NaN.
struct Scores {
  double dice = 0.0;       ///< 2 TP / (2 TP + FP + FN); equals F1
  double iou = 0.0;        ///< TP / (TP + FP + FN)
  double precision = 0.0;  ///< TP / (TP + FP)
  double recall = 0.0;     ///< TP / (TP + FN)
  double f1 = 0.0;         ///< 2 P R / (P + R) = 2 TP / (2 TP + FP + FN)
};

/// Scores from counts; negative counts throw Error.
Scores scores_from_counts(std::int64_t tp, std::int64_t fp, std::int64_t fn);
inline Scores scores_from_counts(const ConfusionCounts& c) { return scores_from_counts(c.tp, c.fp, c.fn); }

/// Sets the dice, iou, precision and recall members of `out` (a stage's metrics row) from `s`.
template <class Row>
void assign_scores(const Scores& s, Row& out) {
  out.dice = s.dice;
  out.iou = s.iou;
  out.precision = s.precision;
  out.recall = s.recall;
}

/// Summary statistics of one column, as pandas' describe() computes them: non-finite values
/// (NaN, missing) are skipped; `std` is the sample std (n - 1), NaN below two values; mean,
/// min and max are NaN without values.
struct Stats {
  int n = 0;  ///< finite values used
  double mean = 0.0;
  double std = 0.0;
  double min = 0.0;
  double max = 0.0;
  double median = 0.0;
};

/// Stats of `values` (skipping NaN / inf).
Stats column_stats(const std::vector<double>& values);

}  // namespace segoid::core
