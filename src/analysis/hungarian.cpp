// SPDX-License-Identifier: MIT
// Kuhn-Munkres (shortest augmenting paths with row/column potentials) for rectangular matrices.
#include "segoid/analysis/hungarian.hpp"

#include <cmath>
#include <limits>

#include "segoid/core/error.hpp"

namespace segoid::analysis {
namespace {

// Minimum-cost assignment of every row of an n x m cost matrix (n <= m), 1-based internally as in
// the classic formulation: u, v are potentials, way[] the augmenting path. Returns row of each col.
std::vector<int> min_cost_rows_into_cols(const std::vector<double>& cost, int n, int m) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<int> row_of_col(m + 1, 0), way(m + 1, 0);
  for (int row = 1; row <= n; ++row) {
    row_of_col[0] = row;
    int col0 = 0;
    std::vector<double> min_slack(m + 1, kInf);
    std::vector<char> used(m + 1, 0);
    do {
      used[col0] = 1;
      const int row0 = row_of_col[col0];
      double delta = kInf;
      int col1 = 0;
      for (int col = 1; col <= m; ++col) {
        if (used[col]) continue;
        const double reduced = cost[(row0 - 1) * m + (col - 1)] - u[row0] - v[col];
        if (reduced < min_slack[col]) {
          min_slack[col] = reduced;
          way[col] = col0;
        }
        if (min_slack[col] < delta) {
          delta = min_slack[col];
          col1 = col;
        }
      }
      for (int col = 0; col <= m; ++col) {
        if (used[col]) {
          u[row_of_col[col]] += delta;
          v[col] -= delta;
        } else {
          min_slack[col] -= delta;
        }
      }
      col0 = col1;
    } while (row_of_col[col0] != 0);
    do {  // augment along the path
      const int col1 = way[col0];
      row_of_col[col0] = row_of_col[col1];
      col0 = col1;
    } while (col0 != 0);
  }
  return row_of_col;
}

}  // namespace

std::vector<int> max_weight_assignment(const cv::Mat& weights) {
  SEGOID_CHECK(weights.empty() || weights.type() == CV_64FC1, "max_weight_assignment expects CV_64FC1");
  const int rows = weights.rows;
  const int cols = weights.cols;
  std::vector<int> col_of_row(static_cast<std::size_t>(rows), -1);
  if (rows == 0 || cols == 0) return col_of_row;
  // The solver needs rows <= cols: transpose when there are more rows.
  const bool transposed = rows > cols;
  const int n = transposed ? cols : rows;
  const int m = transposed ? rows : cols;
  std::vector<double> cost(static_cast<std::size_t>(n) * m);
  for (int row = 0; row < rows; ++row) {
    const auto* line = weights.ptr<double>(row);
    for (int col = 0; col < cols; ++col) {
      SEGOID_CHECK(std::isfinite(line[col]), "max_weight_assignment: non-finite weight");
      const std::size_t index = transposed ? static_cast<std::size_t>(col) * m + row
                                           : static_cast<std::size_t>(row) * m + col;
      cost[index] = -line[col];  // maximize weight = minimize its negative
    }
  }
  const std::vector<int> owner = min_cost_rows_into_cols(cost, n, m);
  for (int j = 1; j <= m; ++j) {
    if (owner[j] == 0) continue;
    if (transposed) {
      col_of_row[j - 1] = owner[j] - 1;
    } else {
      col_of_row[owner[j] - 1] = j - 1;
    }
  }
  return col_of_row;
}

}  // namespace segoid::analysis
