// SPDX-License-Identifier: MIT
// Intensity normalization to [0, 1] float; the choice is stored with a model so prediction
// normalizes exactly as training did.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <utility>

namespace segoid::io {

enum class Normalization {
  kRange,       ///< by the type's range: 8-bit / 255, 16-bit / 65535, float clipped (Python SegOid)
  kPercentile,  ///< per image: (v - p1) / (p99.8 - p1), clipped to [0, 1]
};

/// Lower and upper percentiles used by kPercentile.
constexpr double kPercentileLow = 1.0;
constexpr double kPercentileHigh = 99.8;

/// "range" / "percentile".
std::string to_string(Normalization n);
/// Parses "range" or "percentile"; throws ConfigError otherwise.
Normalization parse_normalization(const std::string& text);

/// Returns a CV_32FC1 image in [0, 1] (kRange on float input clips to [0, 1]).
/// `pixels` is CV_8UC1, CV_16UC1 or CV_32FC1. A constant image under kPercentile gives zeros;
/// NaN and infinite pixels become 0.
cv::Mat normalize_intensity(const cv::Mat& pixels, Normalization mode);

/// The `low` and `high` percentiles (0-100) of all pixels, defined as numpy.percentile's default
/// ("linear"): sort the n values, take position p/100 * (n - 1) and interpolate linearly between
/// the two neighbouring values. Float images ignore NaN and infinities (all non-finite gives 0, 0).
/// Exact for 8/16-bit (histogram), O(n) for float. `pixels` as for normalize_intensity.
std::pair<double, double> intensity_percentiles(const cv::Mat& pixels, double low, double high);

}  // namespace segoid::io
