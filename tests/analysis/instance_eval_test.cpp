// SPDX-License-Identifier: MIT
// Instance matching against hand-computed cases and a naive dense reference.
#include "segoid/analysis/instance_eval.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/rng.hpp"

namespace segoid::analysis {
namespace {

cv::Mat blank(int rows, int cols) { return cv::Mat(rows, cols, CV_8UC1, cv::Scalar(0)); }

TEST(InstanceEvalTest, ShiftedSquareHandComputed) {
  cv::Mat truth = blank(30, 30), pred = blank(30, 30);
  truth(cv::Rect(5, 5, 10, 10)).setTo(255);
  pred(cv::Rect(7, 5, 10, 10)).setTo(255);  // shifted 2 px right: 80 shared of 120
  const auto t = label_objects(truth), p = label_objects(pred);
  const InstanceEval e = evaluate_instances(p, t, 0.5);
  EXPECT_EQ(e.tp, 1);
  EXPECT_EQ(e.fp, 0);
  EXPECT_EQ(e.fn, 0);
  EXPECT_DOUBLE_EQ(e.mean_matched_iou, 80.0 / 120.0);
  EXPECT_DOUBLE_EQ(e.mean_centroid_shift, 2.0);
  EXPECT_DOUBLE_EQ(e.scores.f1, 1.0);
  const InstanceEval strict = evaluate_instances(p, t, 0.7);
  EXPECT_EQ(strict.tp, 0);
  EXPECT_EQ(strict.fp, 1);
  EXPECT_EQ(strict.fn, 1);
  EXPECT_DOUBLE_EQ(strict.scores.precision, 0.0);
  EXPECT_EQ(strict.mean_matched_iou, 0.0);  // no match: 0/0 is written as 0.0
  EXPECT_TRUE(std::isnan(strict.mean_centroid_shift));
}

TEST(InstanceEvalTest, CountsMissesAndFalseAlarms) {
  cv::Mat truth = blank(40, 40), pred = blank(40, 40);
  truth(cv::Rect(2, 2, 8, 8)).setTo(255);     // found
  truth(cv::Rect(20, 2, 8, 8)).setTo(255);    // missed
  pred(cv::Rect(2, 2, 8, 8)).setTo(255);
  pred(cv::Rect(2, 25, 6, 6)).setTo(255);     // false alarm
  pred(cv::Rect(25, 25, 6, 6)).setTo(255);    // false alarm
  const InstanceEval e = evaluate_instances(label_objects(pred), label_objects(truth));
  EXPECT_EQ(e.n_pred, 3);
  EXPECT_EQ(e.n_true, 2);
  EXPECT_EQ(e.tp, 1);
  EXPECT_EQ(e.fp, 2);
  EXPECT_EQ(e.fn, 1);
  EXPECT_DOUBLE_EQ(e.scores.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(e.scores.recall, 0.5);
  EXPECT_DOUBLE_EQ(e.scores.f1, 2.0 / (2 + 2 + 1));
  ASSERT_EQ(e.matches.size(), 1u);
  EXPECT_EQ(e.matches[0].pred_label, 1);
  EXPECT_EQ(e.matches[0].true_label, 1);
  EXPECT_DOUBLE_EQ(e.matches[0].iou, 1.0);
}

TEST(InstanceEvalTest, DetectionScoresAreThePythonSegOids) {
  // The Python tool's definition: P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2 P R / (P + R),
  // each 0.0 when its denominator is 0, so an image with nothing to find and nothing found
  // scores 0 (a pixel score gives 1 there, core::scores_from_counts).
  for (long tp = 0; tp <= 4; ++tp) {
    for (long fp = 0; fp <= 4; ++fp) {
      for (long fn = 0; fn <= 4; ++fn) {
        const double p = tp + fp > 0 ? static_cast<double>(tp) / (tp + fp) : 0.0;
        const double r = tp + fn > 0 ? static_cast<double>(tp) / (tp + fn) : 0.0;
        const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
        const DetectionScores d = detection_scores(tp, fp, fn);
        EXPECT_DOUBLE_EQ(d.precision, p) << tp << " " << fp << " " << fn;
        EXPECT_DOUBLE_EQ(d.recall, r) << tp << " " << fp << " " << fn;
        EXPECT_NEAR(d.f1, f1, 1e-15) << tp << " " << fp << " " << fn;
      }
    }
  }
  EXPECT_EQ(detection_scores(0, 0, 0).f1, 0.0);
  EXPECT_EQ(core::scores_from_counts(0, 0, 0).dice, 1.0);  // pixels keep their convention
}

TEST(InstanceEvalTest, RejectsMismatchedSizesAndBadThreshold) {
  const auto a = label_objects(blank(10, 12)), b = label_objects(blank(12, 10));
  EXPECT_THROW(evaluate_instances(a, b), DataError);
  EXPECT_THROW(evaluate_instances(a, a, 0.0), ConfigError);
  EXPECT_THROW(evaluate_instances(a, a, 1.5), ConfigError);
}

// Naive reference: dense IoU by counting pixels per pair, best assignment by brute force.
struct Reference {
  cv::Mat iou;
  double best_total = 0;
  int tp = 0;
};

Reference naive(const LabeledMask& p, const LabeledMask& t, double threshold) {
  Reference ref;
  ref.iou = cv::Mat(p.count, t.count, CV_64FC1, cv::Scalar(0));
  for (int i = 1; i <= p.count; ++i) {
    for (int j = 1; j <= t.count; ++j) {
      const int inter = cv::countNonZero((p.labels == i) & (t.labels == j));
      const int uni = cv::countNonZero((p.labels == i) | (t.labels == j));
      ref.iou.at<double>(i - 1, j - 1) = static_cast<double>(inter) / uni;
    }
  }
  const int n = std::max(p.count, t.count);
  std::vector<int> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  ref.best_total = -1;
  do {  // pred i <-> truth perm[i]; indices beyond either count are dummies
    double total = 0;
    int tp = 0;
    for (int i = 0; i < p.count; ++i) {
      if (perm[i] < t.count) {
        const double v = ref.iou.at<double>(i, perm[i]);
        total += v;
        tp += v >= threshold;
      }
    }
    if (total > ref.best_total + 1e-12) {
      ref.best_total = total;
      ref.tp = tp;
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return ref;
}

TEST(InstanceEvalTest, AgreesWithNaiveReferenceOnRandomScenes) {
  core::Rng rng(2024);
  for (int scene = 0; scene < 40; ++scene) {
    cv::Mat truth = blank(64, 64), pred = blank(64, 64);
    const int n_true = static_cast<int>(rng.uniform_int(0, 5));
    for (int k = 0; k < n_true; ++k) {
      const cv::Point c(static_cast<int>(rng.uniform_int(5, 58)), static_cast<int>(rng.uniform_int(5, 58)));
      const int r = static_cast<int>(rng.uniform_int(3, 9));
      cv::circle(truth, c, r, cv::Scalar(255), cv::FILLED);
      // A jittered, resized copy in the prediction (sometimes dropped).
      if (rng.bernoulli(0.8)) {
        const cv::Point shift(static_cast<int>(rng.uniform_int(-4, 4)), static_cast<int>(rng.uniform_int(-4, 4)));
        cv::circle(pred, c + shift, std::max(1, r + static_cast<int>(rng.uniform_int(-2, 2))), cv::Scalar(255),
                   cv::FILLED);
      }
    }
    if (rng.bernoulli(0.5)) {  // a false alarm
      cv::rectangle(pred, cv::Rect(static_cast<int>(rng.uniform_int(0, 55)), static_cast<int>(rng.uniform_int(0, 55)), 6, 4),
                    cv::Scalar(255), cv::FILLED);
    }
    const LabeledMask p = label_objects(pred), t = label_objects(truth);
    if (std::max(p.count, t.count) > 8) continue;  // keep the brute force small
    const double threshold = scene % 2 ? 0.5 : 0.3;
    const Reference ref = naive(p, t, threshold);
    for (const Overlap& o : pairwise_iou(p, t)) {
      EXPECT_DOUBLE_EQ(o.iou, ref.iou.at<double>(o.pred_label - 1, o.true_label - 1));
    }
    const InstanceEval e = evaluate_instances(p, t, threshold);
    EXPECT_EQ(e.tp, ref.tp) << "scene " << scene;
    EXPECT_EQ(e.fp, p.count - ref.tp);
    EXPECT_EQ(e.fn, t.count - ref.tp);
    for (const MatchedPair& m : e.matches) {
      EXPECT_GE(m.iou, threshold);
      EXPECT_DOUBLE_EQ(m.iou, ref.iou.at<double>(m.pred_label - 1, m.true_label - 1));
    }
  }
}

}  // namespace
}  // namespace segoid::analysis
