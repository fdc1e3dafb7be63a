// SPDX-License-Identifier: MIT
// Convex-hull measures of labelled objects, equal to scikit-image 0.19's: the hull of every
// pixel's edge midpoints, its pixel-centre image (solidity), the Feret diameters of that image's
// border and the perimeter ratio (convexity). Exact integer geometry in doubled coordinates.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "region_internal.hpp"

namespace segoid::analysis {
namespace {

/// A point in doubled pixel coordinates: X = 2 col, Y = 2 row, so edge midpoints are integers.
struct Point {
  std::int64_t x, y;
  bool operator<(const Point& o) const { return x < o.x || (x == o.x && y < o.y); }
  bool operator==(const Point& o) const { return x == o.x && y == o.y; }
};

std::int64_t cross(const Point& o, const Point& a, const Point& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/// Andrew's monotone chain: the hull's vertices, counter-clockwise, collinear points dropped.
std::vector<Point> convex_hull(std::vector<Point> points) {
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() < 3) return points;
  std::vector<Point> hull(2 * points.size());
  std::size_t k = 0;
  for (const Point& p : points) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) --k;
    hull[k++] = p;
  }
  for (std::size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);
  return hull;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

/// The columns whose centres (2 col, y) lie inside or on the convex polygon `hull`: [first, last],
/// or first > last when none do. scikit-image counts points on the hull's edges as inside.
std::pair<std::int64_t, std::int64_t> row_span(const std::vector<Point>& hull, std::int64_t y) {
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0, j = hull.size() - 1; i < hull.size(); j = i++) {
    const Point& a = hull[j];
    const Point& b = hull[i];
    if ((a.y < y && b.y < y) || (a.y > y && b.y > y)) continue;
    if (a.y == b.y) {
      first = std::min(first, ceil_div(std::min(a.x, b.x), 2));
      last = std::max(last, floor_div(std::max(a.x, b.x), 2));
      continue;
    }
    // The crossing x = num / den; the columns around it are x / 2.
    std::int64_t num = a.x * (b.y - a.y) + (y - a.y) * (b.x - a.x), den = b.y - a.y;
    if (den < 0) num = -num, den = -den;
    first = std::min(first, ceil_div(num, 2 * den));
    last = std::max(last, floor_div(num, 2 * den));
  }
  return {first, last};
}

/// Largest distance between two points of a convex polygon, and its narrowest caliper width.
std::pair<double, double> diameters(const std::vector<Point>& hull) {
  std::int64_t widest = 0;
  for (std::size_t i = 0; i < hull.size(); ++i) {
    for (std::size_t j = i + 1; j < hull.size(); ++j) {
      const std::int64_t dx = hull[i].x - hull[j].x, dy = hull[i].y - hull[j].y;
      widest = std::max(widest, dx * dx + dy * dy);
    }
  }
  double narrowest = hull.size() < 3 ? 0.0 : std::numeric_limits<double>::infinity();
  for (std::size_t i = 0, j = hull.size() - 1; hull.size() >= 3 && i < hull.size(); j = i++) {
    std::int64_t height = 0;  // farthest vertex from edge (j, i), times the edge's length
    for (const Point& v : hull) height = std::max(height, cross(hull[j], hull[i], v));
    const double dx = static_cast<double>(hull[i].x - hull[j].x), dy = static_cast<double>(hull[i].y - hull[j].y);
    narrowest = std::min(narrowest, static_cast<double>(height) / std::hypot(dx, dy));
  }
  return {std::sqrt(static_cast<double>(widest)), narrowest};
}

}  // namespace

void add_convex_measures(const LabeledMask& labeled, std::vector<RegionProps>& props) {
  // First and last column of each object's pixels per row of its bounding box, in one pass.
  std::vector<std::size_t> offset(props.size() + 1, 0);
  for (std::size_t i = 0; i < props.size(); ++i) {
    offset[i + 1] = offset[i] + static_cast<std::size_t>(std::max(0, props[i].bbox_max_row - props[i].bbox_min_row));
  }
  std::vector<std::pair<int, int>> extremes(offset.back(), {std::numeric_limits<int>::max(), -1});
  for (int row = 0; row < labeled.labels.rows; ++row) {
    const int* line = labeled.labels.ptr<int>(row);
    for (int col = 0; col < labeled.labels.cols; ++col) {
      if (line[col] == 0) continue;
      const std::size_t index = static_cast<std::size_t>(line[col]) - 1;
      auto& [first, last] = extremes[offset[index] + static_cast<std::size_t>(row - props[index].bbox_min_row)];
      first = std::min(first, col);
      last = std::max(last, col);
    }
  }
  for (std::size_t index = 0; index < props.size(); ++index) {
    RegionProps& p = props[index];
    if (p.area <= 0) continue;
    const int rows = p.bbox_max_row - p.bbox_min_row;
    // Every pixel's four edge midpoints; the row extremes' are enough for the hull.
    std::vector<Point> corners;
    for (int r = 0; r < rows; ++r) {
      const auto [first, last] = extremes[offset[index] + static_cast<std::size_t>(r)];
      if (last < 0) continue;
      const std::int64_t y = 2 * static_cast<std::int64_t>(p.bbox_min_row + r);
      for (const std::int64_t x : {2 * static_cast<std::int64_t>(first), 2 * static_cast<std::int64_t>(last)}) {
        corners.insert(corners.end(), {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}});
      }
    }
    const std::vector<Point> hull = convex_hull(std::move(corners));
    // The convex image, row by row (one span per row), in a window with a blank margin.
    std::vector<std::pair<std::int64_t, std::int64_t>> spans(static_cast<std::size_t>(rows));
    std::int64_t convex_area = 0;
    for (int r = 0; r < rows; ++r) {
      spans[r] = row_span(hull, 2 * static_cast<std::int64_t>(p.bbox_min_row + r));
      convex_area += std::max<std::int64_t>(0, spans[r].second - spans[r].first + 1);
    }
    cv::Mat window = cv::Mat::zeros(rows + 2, p.bbox_max_col - p.bbox_min_col + 2, CV_32SC1);
    // Border edge midpoints of the convex image: both ends of each span, and the ends of the
    // runs of a span not covered by its neighbour row above (top edges) or below (bottom edges).
    std::vector<Point> border;
    for (int r = 0; r < rows; ++r) {
      const auto [first, last] = spans[r];
      if (first > last) continue;
      int* line = window.ptr<int>(r + 1);
      for (std::int64_t c = first; c <= last; ++c) line[c - p.bbox_min_col + 1] = 1;
      const std::int64_t y = 2 * static_cast<std::int64_t>(p.bbox_min_row + r);
      border.push_back({2 * first - 1, y});
      border.push_back({2 * last + 1, y});
      for (const int step : {-1, 1}) {
        const bool inside = r + step >= 0 && r + step < rows && spans[r + step].first <= spans[r + step].second;
        const std::int64_t nf = inside ? spans[r + step].first : last + 1;
        const std::int64_t nl = inside ? spans[r + step].second : last;
        const auto add_run = [&](std::int64_t a, std::int64_t b) {
          if (a <= b) border.insert(border.end(), {{2 * a, y + step}, {2 * b, y + step}});
        };
        add_run(first, std::min(last, nf - 1));
        add_run(std::max(first, nl + 1), last);
      }
    }
    const auto [widest, narrowest] = diameters(convex_hull(std::move(border)));
    p.feret_diameter_max = widest / 2;
    p.feret_diameter_min = narrowest / 2;
    p.solidity = convex_area > 0 ? p.area / static_cast<double>(convex_area) : std::numeric_limits<double>::quiet_NaN();
    const double hull_perimeter = label_perimeters(window, 1)[1];
    p.convexity = p.perimeter > 0 ? hull_perimeter / p.perimeter : std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace segoid::analysis
