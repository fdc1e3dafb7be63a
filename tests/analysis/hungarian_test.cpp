// SPDX-License-Identifier: MIT
// The assignment solver against brute force over all injections on small random matrices.
#include "segoid/analysis/hungarian.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <limits>
#include <set>

#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"

namespace segoid::analysis {
namespace {

double total(const cv::Mat& w, const std::vector<int>& col_of_row) {
  double sum = 0;
  for (int row = 0; row < w.rows; ++row) {
    if (col_of_row[row] >= 0) sum += w.at<double>(row, col_of_row[row]);
  }
  return sum;
}

// Best total over every way to assign min(rows, cols) pairs: permute the longer side and pair
// its first min(rows, cols) entries with the shorter side.
double brute_force_best(const cv::Mat& w) {
  const bool rows_short = w.rows <= w.cols;
  const int short_n = std::min(w.rows, w.cols);
  std::vector<int> perm(static_cast<std::size_t>(std::max(w.rows, w.cols)));
  std::iota(perm.begin(), perm.end(), 0);
  double best = -1e300;
  do {
    double sum = 0;
    for (int k = 0; k < short_n; ++k) sum += rows_short ? w.at<double>(k, perm[k]) : w.at<double>(perm[k], k);
    best = std::max(best, sum);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

void expect_valid(const std::vector<int>& col_of_row, int rows, int cols) {
  ASSERT_EQ(static_cast<int>(col_of_row.size()), rows);
  std::set<int> used;
  int assigned = 0;
  for (int col : col_of_row) {
    if (col < 0) continue;
    ASSERT_LT(col, cols);
    EXPECT_TRUE(used.insert(col).second) << "column used twice";
    ++assigned;
  }
  EXPECT_EQ(assigned, std::min(rows, cols));
}

TEST(HungarianTest, MatchesBruteForceOnRandomMatrices) {
  core::Rng rng(7);
  int cases = 0;
  for (int rows = 1; rows <= 6; ++rows) {
    for (int cols = 1; cols <= 6; ++cols) {
      for (int trial = 0; trial < 12; ++trial) {
        cv::Mat w(rows, cols, CV_64FC1);
        for (int r = 0; r < rows; ++r) {
          for (int c = 0; c < cols; ++c) {
            // Mix sparse IoU-like matrices (many zeros and ties) with dense ones.
            const bool sparse = trial % 2 == 0;
            w.at<double>(r, c) = sparse && rng.bernoulli(0.6) ? 0.0 : rng.uniform();
          }
        }
        const auto col_of_row = max_weight_assignment(w);
        expect_valid(col_of_row, rows, cols);
        EXPECT_NEAR(total(w, col_of_row), brute_force_best(w), 1e-12) << rows << "x" << cols << " trial " << trial;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 6 * 6 * 12);
}

TEST(HungarianTest, NegativeAndIntegerWeights) {
  core::Rng rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    const int rows = static_cast<int>(rng.uniform_int(1, 7));
    const int cols = static_cast<int>(rng.uniform_int(1, 7));
    cv::Mat w(rows, cols, CV_64FC1);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) w.at<double>(r, c) = static_cast<double>(rng.uniform_int(-5, 5));
    }
    const auto col_of_row = max_weight_assignment(w);
    expect_valid(col_of_row, rows, cols);
    EXPECT_DOUBLE_EQ(total(w, col_of_row), brute_force_best(w));
  }
}

TEST(HungarianTest, GreedyWouldBeWrong) {
  // Greedy takes 0.9 (row 0, col 0) and is left with 0.1; the optimum pairs 0.8 + 0.8.
  cv::Mat w = (cv::Mat_<double>(2, 2) << 0.9, 0.8, 0.8, 0.1);
  EXPECT_EQ(max_weight_assignment(w), (std::vector<int>{1, 0}));
}

TEST(HungarianTest, EmptyAndInvalidInput) {
  EXPECT_TRUE(max_weight_assignment(cv::Mat()).empty());
  EXPECT_EQ(max_weight_assignment(cv::Mat(3, 0, CV_64FC1)), (std::vector<int>{-1, -1, -1}));
  cv::Mat bad = (cv::Mat_<double>(1, 2) << 0.5, std::numeric_limits<double>::quiet_NaN());
  EXPECT_THROW(max_weight_assignment(bad), Error);
  EXPECT_THROW(max_weight_assignment(cv::Mat(2, 2, CV_32FC1, cv::Scalar(0))), Error);
}

}  // namespace
}  // namespace segoid::analysis
