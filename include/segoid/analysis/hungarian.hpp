// SPDX-License-Identifier: MIT
// Maximum-weight assignment on a rectangular matrix (Kuhn-Munkres with potentials, O(n^2 m)).
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace segoid::analysis {

/// Finds the assignment of rows to columns (each used at most once) that maximizes the summed
/// weight, with exactly min(rows, cols) pairs. `weights` is rows x cols, CV_64FC1, finite values
/// (e.g. IoU). Returns `rows` entries: the column assigned to each row, or -1 when unassigned
/// (only possible when rows > cols). An empty matrix gives all -1.
/// Ties are broken deterministically. Throws segoid::Error on a wrong type or non-finite weight.
std::vector<int> max_weight_assignment(const cv::Mat& weights);

}  // namespace segoid::analysis
