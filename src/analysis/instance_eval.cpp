// SPDX-License-Identifier: MIT
// Object matching by maximum total IoU and detection scores.
#include "segoid/analysis/instance_eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <unordered_map>

#include "segoid/analysis/hungarian.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/numbers.hpp"

namespace segoid::analysis {
namespace {

using core::kNaN;

double ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

// Per-label pixel count and coordinate sums, for areas and centroids.
struct Stats {
  std::int64_t n = 0, sr = 0, sc = 0;
};

std::vector<Stats> label_stats(const LabeledMask& labeled) {
  std::vector<Stats> stats(static_cast<std::size_t>(labeled.count) + 1);
  for (int row = 0; row < labeled.labels.rows; ++row) {
    const auto* line = labeled.labels.ptr<int>(row);
    for (int col = 0; col < labeled.labels.cols; ++col) {
      if (line[col] == 0) continue;  // background is most of an image; its stats are unused
      Stats& s = stats[line[col]];
      ++s.n;
      s.sr += row;
      s.sc += col;
    }
  }
  return stats;
}

void check_same_size(const LabeledMask& pred, const LabeledMask& truth) {
  SEGOID_CHECK(pred.labels.type() == CV_32SC1 && truth.labels.type() == CV_32SC1,
               "instance evaluation expects CV_32SC1 label images");
  if (pred.labels.size() != truth.labels.size()) {
    throw DataError("prediction is " + std::to_string(pred.labels.cols) + "x" + std::to_string(pred.labels.rows) +
                    " but ground truth is " + std::to_string(truth.labels.cols) + "x" +
                    std::to_string(truth.labels.rows) + " pixels");
  }
}

int find_root(std::vector<int>& parent, int node) {
  while (parent[node] != node) node = parent[node] = parent[parent[node]];
  return node;
}

}  // namespace

DetectionScores detection_scores(long tp, long fp, long fn) {
  if (tp == 0 && fp == 0 && fn == 0) return {};  // the Python SegOid's 0.0, unlike a pixel score's 1
  const core::Scores scores = core::scores_from_counts(tp, fp, fn);
  return {scores.precision, scores.recall, scores.f1};
}

namespace {

// Overlaps plus the per-label statistics they were computed from (shared with the matching).
struct OverlapData {
  std::vector<Overlap> overlaps;
  std::vector<Stats> pred_stats, true_stats;
};

OverlapData compute_overlaps(const LabeledMask& pred, const LabeledMask& truth) {
  check_same_size(pred, truth);
  OverlapData data;
  data.pred_stats = label_stats(pred);
  data.true_stats = label_stats(truth);
  // Joint histogram of (pred, true) label pairs over pixels where both are objects. Runs of the
  // same pair along a row are counted first and hashed once: objects are large and contiguous.
  std::unordered_map<std::uint64_t, std::int64_t> joint;
  const auto key_base = static_cast<std::uint64_t>(truth.count) + 1;
  for (int row = 0; row < pred.labels.rows; ++row) {
    const auto* p_line = pred.labels.ptr<int>(row);
    const auto* t_line = truth.labels.ptr<int>(row);
    std::uint64_t run_key = 0;
    std::int64_t run = 0;
    for (int col = 0; col < pred.labels.cols; ++col) {
      if (p_line[col] <= 0 || t_line[col] <= 0) continue;
      const std::uint64_t key = static_cast<std::uint64_t>(p_line[col]) * key_base + static_cast<std::uint64_t>(t_line[col]);
      if (key != run_key) {
        if (run > 0) joint[run_key] += run;
        run_key = key;
        run = 0;
      }
      ++run;
    }
    if (run > 0) joint[run_key] += run;
  }
  data.overlaps.reserve(joint.size());
  for (const auto& [key, intersection] : joint) {
    Overlap o;
    o.pred_label = static_cast<int>(key / key_base);
    o.true_label = static_cast<int>(key % key_base);
    const auto uni = data.pred_stats[o.pred_label].n + data.true_stats[o.true_label].n - intersection;
    o.iou = static_cast<double>(intersection) / static_cast<double>(uni);
    data.overlaps.push_back(o);
  }
  std::sort(data.overlaps.begin(), data.overlaps.end(), [](const Overlap& a, const Overlap& b) {
    return a.pred_label != b.pred_label ? a.pred_label < b.pred_label : a.true_label < b.true_label;
  });
  return data;
}

}  // namespace

std::vector<Overlap> pairwise_iou(const LabeledMask& pred, const LabeledMask& truth) {
  return compute_overlaps(pred, truth).overlaps;
}

InstanceEval evaluate_instances(const LabeledMask& pred, const LabeledMask& truth, double iou_threshold) {
  if (!(iou_threshold > 0 && iou_threshold <= 1)) {
    throw ConfigError("IoU match threshold must be in (0, 1], got " + fmt::format("{}", iou_threshold));
  }
  const OverlapData data = compute_overlaps(pred, truth);
  const std::vector<Overlap>& overlaps = data.overlaps;
  InstanceEval result;
  result.n_pred = pred.count;
  result.n_true = truth.count;

  // Group overlapping objects (nodes: preds 0..P-1, truths P..P+T-1); objects of different groups
  // have IoU 0, so solving each group alone gives the global optimum at a fraction of the cost.
  const int n_nodes = pred.count + truth.count;
  std::vector<int> parent(static_cast<std::size_t>(n_nodes));
  std::iota(parent.begin(), parent.end(), 0);
  for (const Overlap& o : overlaps) {
    const int a = find_root(parent, o.pred_label - 1);
    const int b = find_root(parent, pred.count + o.true_label - 1);
    if (a != b) parent[a] = b;
  }
  std::unordered_map<int, std::vector<const Overlap*>> groups;
  for (const Overlap& o : overlaps) groups[find_root(parent, o.pred_label - 1)].push_back(&o);

  const std::vector<Stats>& p_stats = data.pred_stats;
  const std::vector<Stats>& t_stats = data.true_stats;
  for (const auto& [root, members] : groups) {
    (void)root;
    std::vector<int> preds, truths;
    for (const Overlap* o : members) {
      preds.push_back(o->pred_label);
      truths.push_back(o->true_label);
    }
    for (auto* v : {&preds, &truths}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    cv::Mat weights(static_cast<int>(preds.size()), static_cast<int>(truths.size()), CV_64FC1, cv::Scalar(0));
    for (const Overlap* o : members) {
      const auto r = std::lower_bound(preds.begin(), preds.end(), o->pred_label) - preds.begin();
      const auto c = std::lower_bound(truths.begin(), truths.end(), o->true_label) - truths.begin();
      weights.at<double>(static_cast<int>(r), static_cast<int>(c)) = o->iou;
    }
    const std::vector<int> col_of_row = max_weight_assignment(weights);
    for (std::size_t r = 0; r < col_of_row.size(); ++r) {
      if (col_of_row[r] < 0) continue;
      const double iou = weights.at<double>(static_cast<int>(r), col_of_row[r]);
      if (iou < iou_threshold) continue;
      MatchedPair m;
      m.pred_label = preds[r];
      m.true_label = truths[static_cast<std::size_t>(col_of_row[r])];
      m.iou = iou;
      const Stats& p = p_stats[m.pred_label];
      const Stats& t = t_stats[m.true_label];
      const double d_row = static_cast<double>(p.sr) / p.n - static_cast<double>(t.sr) / t.n;
      const double d_col = static_cast<double>(p.sc) / p.n - static_cast<double>(t.sc) / t.n;
      m.centroid_shift = std::hypot(d_row, d_col);
      result.matches.push_back(m);
    }
  }
  std::sort(result.matches.begin(), result.matches.end(),
            [](const MatchedPair& a, const MatchedPair& b) { return a.pred_label < b.pred_label; });
  result.tp = static_cast<int>(result.matches.size());
  result.fp = result.n_pred - result.tp;
  result.fn = result.n_true - result.tp;
  result.scores = detection_scores(result.tp, result.fp, result.fn);
  double iou_sum = 0, shift_sum = 0;
  for (const MatchedPair& m : result.matches) {
    iou_sum += m.iou;
    shift_sum += m.centroid_shift;
  }
  result.mean_matched_iou = result.tp > 0 ? iou_sum / result.tp : 0.0;  // 0/0 -> 0.0, the convention
  result.mean_centroid_shift = ratio(shift_sum, result.tp);
  return result;
}

}  // namespace segoid::analysis
