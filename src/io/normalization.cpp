// SPDX-License-Identifier: MIT
// Intensity normalization to [0, 1]: by the type's range or by per-image percentiles.
#include "segoid/io/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "segoid/core/enum_words.hpp"
#include "segoid/core/error.hpp"

namespace segoid::io {
namespace {

/// numpy's default ("linear") percentile of n sorted values: position p/100 * (n - 1), linear
/// interpolation between the two neighbouring order statistics. `kth(k)` returns the k-th
/// smallest value (0-based).
template <typename Kth>
double linear_percentile(std::size_t n, double percent, Kth kth) {
  const double position = percent / 100.0 * static_cast<double>(n - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const double fraction = position - static_cast<double>(lower);
  const double low_value = kth(lower);
  if (fraction == 0.0 || lower + 1 >= n) return low_value;
  return low_value + fraction * (kth(lower + 1) - low_value);
}

/// Percentiles of an 8/16-bit image from its histogram: exact and O(pixels).
template <typename T>
std::pair<double, double> integer_percentiles(const cv::Mat& pixels, double low, double high) {
  std::vector<std::uint64_t> histogram(std::size_t{1} << (8 * sizeof(T)), 0);
  for (int row = 0; row < pixels.rows; ++row) {
    const T* p = pixels.ptr<T>(row);
    for (int col = 0; col < pixels.cols; ++col) ++histogram[p[col]];
  }
  std::vector<std::uint64_t> cumulative(histogram.size());
  std::uint64_t sum = 0;
  for (std::size_t v = 0; v < histogram.size(); ++v) cumulative[v] = (sum += histogram[v]);
  auto kth = [&](std::size_t k) {
    // The k-th smallest value is the first v whose cumulative count exceeds k.
    return static_cast<double>(std::upper_bound(cumulative.begin(), cumulative.end(), k) - cumulative.begin());
  };
  const auto n = static_cast<std::size_t>(pixels.total());
  return {linear_percentile(n, low, kth), linear_percentile(n, high, kth)};
}

/// Percentiles of a float image over its finite values (NaN and infinities are ignored).
std::pair<double, double> float_percentiles(const cv::Mat& pixels, double low, double high) {
  std::vector<float> values;
  values.reserve(pixels.total());
  for (int row = 0; row < pixels.rows; ++row) {
    const float* p = pixels.ptr<float>(row);
    for (int col = 0; col < pixels.cols; ++col) {
      if (std::isfinite(p[col])) values.push_back(p[col]);
    }
  }
  if (values.empty()) return {0.0, 0.0};
  auto kth = [&](std::size_t k) {
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return static_cast<double>(values[k]);
  };
  return {linear_percentile(values.size(), low, kth), linear_percentile(values.size(), high, kth)};
}

/// (v - low) / (high - low) clipped to [0, 1]; non-finite values become 0.
cv::Mat scale_and_clip(const cv::Mat& pixels, double low, double high) {
  cv::Mat out;
  if (!(high > low)) return cv::Mat::zeros(pixels.size(), CV_32FC1);
  pixels.convertTo(out, CV_32F, 1.0 / (high - low), -low / (high - low));
  out.forEach<float>([](float& v, const int*) { v = std::isfinite(v) ? std::clamp(v, 0.0F, 1.0F) : 0.0F; });
  return out;
}

}  // namespace

const core::EnumWords<Normalization> kNormalizationWords{{Normalization::kRange, "range"},
                                                         {Normalization::kPercentile, "percentile"}};
std::string to_string(Normalization n) { return kNormalizationWords.word(n); }
Normalization parse_normalization(const std::string& text) { return kNormalizationWords.parse(text, "normalization"); }

cv::Mat normalize_intensity(const cv::Mat& pixels, Normalization mode) {
  SEGOID_CHECK(pixels.channels() == 1 && (pixels.depth() == CV_8U || pixels.depth() == CV_16U || pixels.depth() == CV_32F),
               "normalize_intensity needs CV_8UC1, CV_16UC1 or CV_32FC1");
  if (pixels.empty()) return cv::Mat(pixels.size(), CV_32FC1);
  if (mode == Normalization::kRange) {
    if (pixels.depth() == CV_8U) return scale_and_clip(pixels, 0.0, 255.0);
    if (pixels.depth() == CV_16U) return scale_and_clip(pixels, 0.0, 65535.0);
    return scale_and_clip(pixels, 0.0, 1.0);
  }
  const auto [low, high] = intensity_percentiles(pixels, kPercentileLow, kPercentileHigh);
  return scale_and_clip(pixels, low, high);
}

std::pair<double, double> intensity_percentiles(const cv::Mat& pixels, double low, double high) {
  SEGOID_CHECK(pixels.channels() == 1 && !pixels.empty(), "intensity_percentiles needs a non-empty 1-channel image");
  SEGOID_CHECK(low >= 0.0 && low <= high && high <= 100.0, "percentiles must satisfy 0 <= low <= high <= 100");
  if (pixels.depth() == CV_8U) return integer_percentiles<std::uint8_t>(pixels, low, high);
  if (pixels.depth() == CV_16U) return integer_percentiles<std::uint16_t>(pixels, low, high);
  SEGOID_CHECK(pixels.depth() == CV_32F, "intensity_percentiles needs CV_8U, CV_16U or CV_32F");
  return float_percentiles(pixels, low, high);
}

}  // namespace segoid::io
