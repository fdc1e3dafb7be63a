// SPDX-License-Identifier: MIT
// core::scores_from_counts and core::column_stats against scikit-learn and numpy/pandas on random
// and edge-case masks, and against the convention (both empty -> 1, other 0/0 -> 0.0).
#include "segoid/core/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::core {
namespace {
namespace fs = std::filesystem;

TEST(MetricsTest, HandCountedScores) {
  const Scores s = scores_from_counts(6, 2, 4);
  EXPECT_DOUBLE_EQ(s.dice, 12.0 / 18.0);
  EXPECT_DOUBLE_EQ(s.iou, 6.0 / 12.0);
  EXPECT_DOUBLE_EQ(s.precision, 6.0 / 8.0);
  EXPECT_DOUBLE_EQ(s.recall, 6.0 / 10.0);
  EXPECT_DOUBLE_EQ(s.f1, 2 * 0.75 * 0.6 / (0.75 + 0.6));
}

TEST(MetricsTest, EmptyConvention) {
  const Scores both_empty = scores_from_counts(0, 0, 0);
  for (double v : {both_empty.dice, both_empty.iou, both_empty.precision, both_empty.recall, both_empty.f1}) {
    EXPECT_EQ(v, 1.0);
  }
  // Prediction without truth: recall is 0/0 -> 0.0, precision 0/fp = 0.
  const Scores false_alarm = scores_from_counts(0, 5, 0);
  EXPECT_EQ(false_alarm.recall, 0.0);
  EXPECT_EQ(false_alarm.precision, 0.0);
  EXPECT_EQ(false_alarm.dice, 0.0);
  // Truth without prediction: precision is 0/0 -> 0.0.
  const Scores missed = scores_from_counts(0, 0, 3);
  EXPECT_EQ(missed.precision, 0.0);
  EXPECT_EQ(missed.recall, 0.0);
  EXPECT_EQ(missed.iou, 0.0);
  EXPECT_THROW(scores_from_counts(-1, 0, 0), Error);
}

TEST(MetricsTest, ColumnStatsAreSampleStatsSkippingNaN) {
  const double nan = std::nan("");
  const Stats s = column_stats({1.0, 2.0, nan, 4.0});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.std, std::sqrt((std::pow(1 - 7.0 / 3, 2) + std::pow(2 - 7.0 / 3, 2) + std::pow(4 - 7.0 / 3, 2)) / 2));
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 4.0);
  EXPECT_EQ(s.median, 2.0);
  EXPECT_TRUE(std::isnan(column_stats({3.0}).std));  // pandas: std of one value is NaN
  EXPECT_TRUE(std::isnan(column_stats({}).mean));
}

/// Random masks of several densities and the edge cases, as 0/1 strings (one mask pair a line).
std::vector<std::pair<std::string, std::string>> mask_cases() {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"0000", "0000"}, {"1111", "1111"}, {"0000", "0110"}, {"0110", "0000"}, {"1010", "0101"}, {"1", "1"}, {"0", "1"}};
  std::mt19937 rng(7);
  for (double density : {0.01, 0.2, 0.5, 0.9}) {
    for (int repeat = 0; repeat < 5; ++repeat) {
      std::bernoulli_distribution bit(density);
      std::string a, b;
      for (int i = 0; i < 300; ++i) {
        a += bit(rng) ? '1' : '0';
        b += bit(rng) ? '1' : '0';
      }
      cases.emplace_back(a, b);
    }
  }
  return cases;
}

TEST(MetricsTest, MatchesScikitLearnAndNumpy) {
  if (!test::python_has("sklearn numpy pandas")) GTEST_SKIP() << "/usr/bin/python3 with sklearn, numpy, pandas needed";
  test::TempDir dir;
  const auto cases = mask_cases();
  std::string text;
  for (const auto& [truth, pred] : cases) text += truth + " " + pred + "\n";
  core::write_file_atomic(dir / "masks.txt", text);
  // scikit-learn's own scores, with zero_division=0 (the Python SegOid's 0.0); jaccard and f1
  // are set to 1 when both masks are empty, the one case where the convention differs.
  const std::string script = R"PY(
import sys, numpy as np, pandas as pd
from sklearn.metrics import f1_score, jaccard_score, precision_score, recall_score
for line in open(sys.argv[1]):
    t, p = line.split()
    t = np.array([int(c) for c in t]); p = np.array([int(c) for c in p])
    if t.sum() == 0 and p.sum() == 0:
        print("1 1 1 1 1"); continue
    kw = dict(zero_division=0)
    f1 = f1_score(t, p, **kw)
    print(f1, jaccard_score(t, p, **kw), precision_score(t, p, **kw), recall_score(t, p, **kw), f1)
vals = pd.Series([float(c.count("1")) for c, _ in (l.split() for l in open(sys.argv[1]))])
vals.iloc[3] = np.nan
print("stats", vals.count(), vals.mean(), vals.std(), vals.min(), vals.max(), vals.median())
)PY";
  core::write_file_atomic(dir / "ref.py", script);
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 " + (dir / "ref.py").string() + " " + (dir / "masks.txt").string() +
                                  " 2>&1",
                              &output),
            0)
      << output;
  std::istringstream in(output);
  std::vector<double> ones_counts;
  for (const auto& [truth, pred] : cases) {
    std::int64_t tp = 0, fp = 0, fn = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      tp += truth[i] == '1' && pred[i] == '1';
      fp += truth[i] == '0' && pred[i] == '1';
      fn += truth[i] == '1' && pred[i] == '0';
    }
    double dice = 0, iou = 0, precision = 0, recall = 0, f1 = 0;
    ASSERT_TRUE(in >> dice >> iou >> precision >> recall >> f1) << output;
    const Scores s = scores_from_counts(tp, fp, fn);
    EXPECT_NEAR(s.dice, dice, 1e-12) << truth << " / " << pred;
    EXPECT_NEAR(s.iou, iou, 1e-12) << truth << " / " << pred;
    EXPECT_NEAR(s.precision, precision, 1e-12) << truth << " / " << pred;
    EXPECT_NEAR(s.recall, recall, 1e-12) << truth << " / " << pred;
    EXPECT_NEAR(s.f1, f1, 1e-12) << truth << " / " << pred;
    ones_counts.push_back(static_cast<double>(std::count(truth.begin(), truth.end(), '1')));
  }
  ones_counts[3] = std::nan("");
  std::string label;
  double n = 0, mean = 0, std_dev = 0, min = 0, max = 0, median = 0;
  ASSERT_TRUE(in >> label >> n >> mean >> std_dev >> min >> max >> median) << output;
  const Stats s = column_stats(ones_counts);
  EXPECT_EQ(s.n, static_cast<int>(n));
  EXPECT_NEAR(s.mean, mean, 1e-9);
  EXPECT_NEAR(s.std, std_dev, 1e-9);
  EXPECT_EQ(s.min, min);
  EXPECT_EQ(s.max, max);
  EXPECT_NEAR(s.median, median, 1e-12);
}

}  // namespace
}  // namespace segoid::core
