// SPDX-License-Identifier: MIT
// Binary mask clean-up with OpenCV's connected components, flood fill and morphology.
#include "segoid/infer/postprocess.hpp"

#include <opencv2/imgproc.hpp>

#include <vector>

#include "segoid/core/error.hpp"

namespace segoid::infer {
namespace {

constexpr int kEightConnected = 8;
constexpr int kFourConnected = 4;
constexpr unsigned char kForeground = 255;

void check_mask(const cv::Mat& mask, const char* what) {
  SEGOID_CHECK(!mask.empty() && mask.type() == CV_8UC1, std::string(what) + ": mask must be non-empty CV_8UC1");
}

cv::Mat binarize(const cv::Mat& mask) {
  cv::Mat out;
  cv::compare(mask, 0, out, cv::CMP_NE);
  return out;
}

}  // namespace

cv::Mat threshold_probability(const cv::Mat& probability, double threshold) {
  SEGOID_CHECK(!probability.empty() && probability.type() == CV_32FC1,
               "threshold_probability: probability must be non-empty CV_32FC1");
  cv::Mat mask;
  cv::compare(probability, threshold, mask, cv::CMP_GT);
  return mask;
}

cv::Mat remove_small_objects(const cv::Mat& mask, int min_area) {
  check_mask(mask, "remove_small_objects");
  cv::Mat binary = binarize(mask);
  if (min_area <= 1) return binary;
  cv::Mat labels;
  cv::Mat stats;
  cv::Mat centroids;
  const int count = cv::connectedComponentsWithStats(binary, labels, stats, centroids, kEightConnected, CV_32S);
  std::vector<unsigned char> keep(static_cast<std::size_t>(count), 0);
  for (int label = 1; label < count; ++label) {
    keep[label] = stats.at<int>(label, cv::CC_STAT_AREA) >= min_area ? kForeground : 0;
  }
  for (int row = 0; row < binary.rows; ++row) {
    const int* label_row = labels.ptr<int>(row);
    unsigned char* out = binary.ptr<unsigned char>(row);
    for (int col = 0; col < binary.cols; ++col) out[col] = keep[label_row[col]];
  }
  return binary;
}

cv::Mat fill_holes(const cv::Mat& mask) {
  check_mask(mask, "fill_holes");
  // Surround with one background pixel so that all border-connected background is one region,
  // flood it from the corner, and whatever background remains unreached is a hole.
  cv::Mat padded;
  cv::copyMakeBorder(binarize(mask), padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  constexpr unsigned char kOutside = 128;
  cv::floodFill(padded, cv::Point(0, 0), cv::Scalar(kOutside), nullptr, cv::Scalar(0), cv::Scalar(0),
                kFourConnected);
  cv::Mat inner = padded(cv::Rect(1, 1, mask.cols, mask.rows));
  cv::Mat filled;
  cv::compare(inner, kOutside, filled, cv::CMP_NE);
  return filled;
}

cv::Mat smooth_mask(const cv::Mat& mask, int radius) {
  check_mask(mask, "smooth_mask");
  cv::Mat binary = binarize(mask);
  if (radius <= 0) return binary;
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
  cv::Mat opened;
  cv::Mat closed;
  cv::morphologyEx(binary, opened, cv::MORPH_OPEN, disc);
  cv::morphologyEx(opened, closed, cv::MORPH_CLOSE, disc);
  return closed;
}

cv::Mat postprocess(const cv::Mat& probability, const PostprocessOptions& options) {
  cv::Mat mask = threshold_probability(probability, options.threshold);
  if (options.smooth_radius > 0) mask = smooth_mask(mask, options.smooth_radius);
  if (options.fill_holes) mask = fill_holes(mask);
  if (options.min_object_area > 1) mask = remove_small_objects(mask, options.min_object_area);
  return mask;
}

}  // namespace segoid::infer
