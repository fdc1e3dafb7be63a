// SPDX-License-Identifier: MIT
// 8-connected labelling in scikit-image's label order and regionprops-equal measurements.
#include "segoid/analysis/region_props.hpp"

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "region_internal.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"

namespace segoid::analysis {
namespace {

constexpr int kConnectivity8 = 8;
using core::kPi;

// scikit-image's perimeter(neighbourhood=4): each border pixel gets the code
// 1 + 2 * (border 4-neighbours) + 10 * (border diagonal neighbours) and a length by code.
std::array<double, 50> perimeter_weights() {
  std::array<double, 50> weights{};
  for (int code : {5, 7, 15, 17, 25, 27}) weights[code] = 1.0;
  for (int code : {21, 33}) weights[code] = std::sqrt(2.0);
  for (int code : {13, 23}) weights[code] = (1.0 + std::sqrt(2.0)) / 2.0;
  return weights;
}

// Raw sums per object; central moments come from these exactly (integer arithmetic).
struct Sums {
  std::int64_t n = 0, sr = 0, sc = 0, srr = 0, scc = 0, src = 0;
  int min_row = std::numeric_limits<int>::max(), min_col = std::numeric_limits<int>::max();
  int max_row = -1, max_col = -1;
};

// n * sum(x y) - sum(x) sum(y) = n^2 * central moment; exact in 128 bits.
long double centered(std::int64_t n, std::int64_t sxy, std::int64_t sx, std::int64_t sy) {
  const __int128 value = static_cast<__int128>(n) * sxy - static_cast<__int128>(sx) * sy;
  return static_cast<long double>(value);
}

}  // namespace

LabeledMask label_objects(const cv::Mat& mask) {
  SEGOID_CHECK(!mask.empty() && mask.type() == CV_8UC1, "label_objects expects a non-empty CV_8UC1 mask");
  LabeledMask out;
  const int raw_count = cv::connectedComponents(mask, out.labels, kConnectivity8, CV_32S) - 1;
  // OpenCV's numbering depends on its algorithm (and threads); renumber by first pixel in raster
  // order, which is scikit-image's order, in a single pass.
  std::vector<int> remap(static_cast<std::size_t>(raw_count) + 1, -1);
  remap[0] = 0;
  int next = 0;
  for (int row = 0; row < out.labels.rows; ++row) {
    auto* line = out.labels.ptr<int>(row);
    for (int col = 0; col < out.labels.cols; ++col) {
      int& value = line[col];
      if (value == 0) continue;
      if (remap[value] < 0) remap[value] = ++next;
      value = remap[value];
    }
  }
  out.count = next;
  return out;
}

LabeledMask remove_small_objects(const LabeledMask& labeled, int min_area) {
  SEGOID_CHECK(labeled.labels.type() == CV_32SC1, "remove_small_objects expects CV_32SC1 labels");
  LabeledMask out{labeled.labels.clone(), labeled.count};
  if (min_area <= 1 || labeled.count == 0) return out;
  std::vector<std::int64_t> area(static_cast<std::size_t>(labeled.count) + 1, 0);
  for (int row = 0; row < out.labels.rows; ++row) {
    const auto* line = out.labels.ptr<int>(row);
    for (int col = 0; col < out.labels.cols; ++col) ++area[line[col]];
  }
  std::vector<int> remap(area.size(), 0);
  int next = 0;
  for (int label = 1; label <= labeled.count; ++label) {
    if (area[label] >= min_area) remap[label] = ++next;
  }
  for (int row = 0; row < out.labels.rows; ++row) {
    auto* line = out.labels.ptr<int>(row);
    for (int col = 0; col < out.labels.cols; ++col) line[col] = remap[line[col]];
  }
  out.count = next;
  return out;
}

std::vector<double> label_perimeters(const cv::Mat& labels, int count) {
  SEGOID_CHECK(labels.type() == CV_32SC1, "label_perimeters expects CV_32SC1 labels");
  const int rows = labels.rows;
  const int cols = labels.cols;
  std::vector<double> perimeter(static_cast<std::size_t>(count) + 1, 0.0);
  // Row pointers with a shared zero row beyond the image: no per-pixel bounds checks on rows.
  const std::vector<int> zero_row(static_cast<std::size_t>(cols), 0);
  auto label_row = [&](int row) { return row < 0 || row >= rows ? zero_row.data() : labels.ptr<int>(row); };
  // Pass 1: the border (object pixels with a 4-neighbour outside the object: the pixels a
  // 4-connected erosion removes).
  cv::Mat border(rows, cols, CV_8UC1, cv::Scalar(0));
  for (int row = 0; row < rows; ++row) {
    const int* up = label_row(row - 1);
    const int* line = label_row(row);
    const int* down = label_row(row + 1);
    auto* border_line = border.ptr<std::uint8_t>(row);
    for (int col = 0; col < cols; ++col) {
      const int label = line[col];
      if (label == 0) continue;
      const int left = col > 0 ? line[col - 1] : 0;
      const int right = col + 1 < cols ? line[col + 1] : 0;
      border_line[col] = up[col] != label || down[col] != label || left != label || right != label;
    }
  }
  // Pass 2: classify border pixels by their border neighbours of the same object.
  static const std::array<double, 50> kWeights = perimeter_weights();
  const std::vector<std::uint8_t> zero_border(static_cast<std::size_t>(cols), 0);
  auto border_row = [&](int row) {
    return row < 0 || row >= rows ? zero_border.data() : border.ptr<std::uint8_t>(row);
  };
  for (int row = 0; row < rows; ++row) {
    const std::uint8_t* border_rows[3] = {border_row(row - 1), border_row(row), border_row(row + 1)};
    const int* label_rows[3] = {label_row(row - 1), label_row(row), label_row(row + 1)};
    for (int col = 0; col < cols; ++col) {
      if (!border_rows[1][col]) continue;
      const int label = label_rows[1][col];
      auto is_border = [&](int dr, int dc) -> int {
        const int c = col + dc;
        return c >= 0 && c < cols && border_rows[1 + dr][c] && label_rows[1 + dr][c] == label;
      };
      const int edge = is_border(-1, 0) + is_border(1, 0) + is_border(0, -1) + is_border(0, 1);
      const int diagonal = is_border(-1, -1) + is_border(1, -1) + is_border(-1, 1) + is_border(1, 1);
      perimeter[static_cast<std::size_t>(label)] += kWeights[1 + 2 * edge + 10 * diagonal];
    }
  }
  return perimeter;
}

std::vector<RegionProps> region_props(const LabeledMask& labeled) {
  const cv::Mat& labels = labeled.labels;
  SEGOID_CHECK(labels.type() == CV_32SC1, "region_props expects CV_32SC1 labels");
  const int rows = labels.rows;
  const int cols = labels.cols;
  std::vector<Sums> sums(static_cast<std::size_t>(labeled.count) + 1);

  // Moments and bounding boxes.
  for (int row = 0; row < rows; ++row) {
    const int* line = labels.ptr<int>(row);
    for (int col = 0; col < cols; ++col) {
      const int label = line[col];
      if (label == 0) continue;
      SEGOID_CHECK(label > 0 && label <= labeled.count, "label image holds a label outside 1..count");
      Sums& s = sums[label];
      ++s.n;
      s.sr += row;
      s.sc += col;
      s.srr += static_cast<std::int64_t>(row) * row;
      s.scc += static_cast<std::int64_t>(col) * col;
      s.src += static_cast<std::int64_t>(row) * col;
      s.min_row = std::min(s.min_row, row);
      s.max_row = std::max(s.max_row, row);
      s.min_col = std::min(s.min_col, col);
      s.max_col = std::max(s.max_col, col);
    }
  }
  const std::vector<double> perimeter = label_perimeters(labels, labeled.count);

  std::vector<RegionProps> props;
  props.reserve(static_cast<std::size_t>(labeled.count));
  for (int label = 1; label <= labeled.count; ++label) {
    const Sums& s = sums[label];
    RegionProps p;
    p.label = label;
    p.area = static_cast<double>(s.n);
    if (s.n == 0) {  // a label with no pixels (not produced by label_objects)
      props.push_back(p);
      continue;
    }
    const auto n = static_cast<long double>(s.n);
    p.centroid_y = static_cast<double>(s.sr / n);
    p.centroid_x = static_cast<double>(s.sc / n);
    // Inertia tensor (scikit-image): [[mu_cc, -mu_rc], [-mu_rc, mu_rr]] / n; here scaled by n^2.
    const long double a = centered(s.n, s.srr, s.sr, s.sr);
    const long double c = centered(s.n, s.scc, s.sc, s.sc);
    const long double b = centered(s.n, s.src, s.sr, s.sc);
    const long double half_diff = (a - c) / 2;
    const long double l1_scaled = (a + c) / 2 + std::sqrt(half_diff * half_diff + b * b);
    // Smaller eigenvalue from the determinant: no cancellation for elongated objects.
    long double l2_scaled = l1_scaled > 0 ? (a * c - b * b) / l1_scaled : 0;
    if (l2_scaled < 0) l2_scaled = 0;
    const long double l1 = l1_scaled / (n * n);
    const long double l2 = l2_scaled / (n * n);
    p.major_axis_length = static_cast<double>(4 * std::sqrt(l1));
    p.minor_axis_length = static_cast<double>(4 * std::sqrt(l2));
    p.eccentricity = l1 > 0 ? static_cast<double>(std::sqrt(1 - l2 / l1)) : 0.0;
    p.perimeter = perimeter[static_cast<std::size_t>(label)];
    p.equivalent_diameter = std::sqrt(4 * p.area / kPi);
    p.circularity = p.perimeter > 0 ? 4 * kPi * p.area / (p.perimeter * p.perimeter)
                                    : std::numeric_limits<double>::quiet_NaN();
    p.volume_sphere = kPi / 6 * p.equivalent_diameter * p.equivalent_diameter * p.equivalent_diameter;
    p.volume_ellipsoid = kPi / 6 * p.major_axis_length * p.minor_axis_length * p.minor_axis_length;
    p.bbox_min_row = s.min_row;
    p.bbox_min_col = s.min_col;
    p.bbox_max_row = s.max_row + 1;
    p.bbox_max_col = s.max_col + 1;
    props.push_back(p);
  }
  add_convex_measures(labeled, props);
  return props;
}

std::vector<RegionProps> measure_objects(const cv::Mat& mask) { return region_props(label_objects(mask)); }

}  // namespace segoid::analysis
