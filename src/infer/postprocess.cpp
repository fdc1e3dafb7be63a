// SPDX-License-Identifier: MIT
// Binary mask clean-up with OpenCV's connected components, flood fill and morphology.
#include "segoid/infer/postprocess.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <queue>
#include <vector>

#include "segoid/core/error.hpp"
#include "segoid/data/label_mask.hpp"

namespace segoid::infer {
namespace {

constexpr int kEightConnected = 8;
constexpr int kFourConnected = 4;
constexpr unsigned char kForeground = 255;

/// `mask` as 0/255, after checking that it is a non-empty CV_8UC1 (`what` names the caller).
cv::Mat binarize(const cv::Mat& mask, const char* what) {
  SEGOID_CHECK(!mask.empty() && mask.type() == CV_8UC1, std::string(what) + ": mask must be non-empty CV_8UC1");
  cv::Mat out;
  cv::compare(mask, 0, out, cv::CMP_NE);
  return out;
}

/// Removes from `binary` (0/255, changed in place), in one labelling pass, the 8-connected objects
/// with fewer than `min_area` pixels or, when `probability` is given, a mean probability below
/// `min_mean`. Both decide on whole components, so one pass gives what the two filters in turn would.
void filter_objects_in_place(cv::Mat& binary, int min_area, const cv::Mat* probability, double min_mean) {
  cv::Mat labels;
  const int count = cv::connectedComponents(binary, labels, kEightConnected, CV_32S);
  std::vector<double> sum(static_cast<std::size_t>(count), 0.0);
  std::vector<long long> area(static_cast<std::size_t>(count), 0);
  for (int row = 0; row < binary.rows; ++row) {
    const int* label = labels.ptr<int>(row);
    const float* p = probability != nullptr ? probability->ptr<float>(row) : nullptr;
    for (int col = 0; col < binary.cols; ++col) {
      ++area[label[col]];
      if (p != nullptr) sum[label[col]] += p[col];
    }
  }
  std::vector<unsigned char> keep(static_cast<std::size_t>(count), 0);
  for (int label = 1; label < count; ++label) {
    const bool big_enough = area[label] >= min_area;
    const bool sure_enough = probability == nullptr || sum[label] >= min_mean * static_cast<double>(area[label]);
    keep[label] = big_enough && sure_enough ? kForeground : 0;
  }
  for (int row = 0; row < binary.rows; ++row) {
    const int* label = labels.ptr<int>(row);
    unsigned char* pixel = binary.ptr<unsigned char>(row);
    for (int col = 0; col < binary.cols; ++col) pixel[col] = keep[label[col]];
  }
}

/// The watershed of one object (`object` 255 inside its bounding box) on its distance relief,
/// flooded from `cores` (labels 1..k) by Meyer's priority flood as scikit-image's watershed does
/// it: deepest pixel first, ties first come first; a pixel takes the label of the pixel that
/// reached it and is queued once. cv::watershed does not fit: it floods by the colour difference
/// between neighbours, and a distance map differs by about 1 everywhere, so its lines fall
/// halfway between the cores, not at the neck.
cv::Mat flood_object(const cv::Mat& distance, const cv::Mat& object, const cv::Mat& cores) {
  struct Entry {
    float depth;
    std::uint64_t order;
    int row, col;
    bool operator<(const Entry& other) const {  // std::priority_queue pops the largest
      return depth != other.depth ? depth < other.depth : order > other.order;
    }
  };
  std::priority_queue<Entry> queue;
  std::uint64_t order = 0;
  cv::Mat labels = cores.clone();
  for (int row = 0; row < object.rows; ++row) {
    for (int col = 0; col < object.cols; ++col) {
      if (labels.at<int>(row, col) > 0) queue.push({distance.at<float>(row, col), order++, row, col});
    }
  }
  while (!queue.empty()) {
    const Entry e = queue.top();
    queue.pop();
    const int label = labels.at<int>(e.row, e.col);
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int r = e.row + dy, c = e.col + dx;
        if (r < 0 || c < 0 || r >= object.rows || c >= object.cols) continue;
        if (object.at<unsigned char>(r, c) == 0 || labels.at<int>(r, c) != 0) continue;
        labels.at<int>(r, c) = label;
        queue.push({distance.at<float>(r, c), order++, r, c});
      }
    }
  }
  return labels;
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
  cv::Mat binary = binarize(mask, "remove_small_objects");
  if (min_area > 1) filter_objects_in_place(binary, min_area, nullptr, 0.0);
  return binary;
}

cv::Mat remove_unsure_objects(const cv::Mat& mask, const cv::Mat& probability, double min_mean) {
  cv::Mat binary = binarize(mask, "remove_unsure_objects");
  SEGOID_CHECK(probability.type() == CV_32FC1 && probability.size() == mask.size(),
               "remove_unsure_objects: probability must be CV_32FC1 of the mask's size");
  if (min_mean > 0.0) filter_objects_in_place(binary, 0, &probability, min_mean);
  return binary;
}

cv::Mat fill_holes(const cv::Mat& mask) {
  const cv::Mat binary = binarize(mask, "fill_holes");
  // Surround with one background pixel so that all border-connected background is one region,
  // flood it from the corner, and whatever background remains unreached is a hole.
  cv::Mat padded;
  cv::copyMakeBorder(binary, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  constexpr unsigned char kOutside = 128;
  cv::floodFill(padded, cv::Point(0, 0), cv::Scalar(kOutside), nullptr, cv::Scalar(0), cv::Scalar(0),
                kFourConnected);
  cv::Mat inner = padded(cv::Rect(1, 1, mask.cols, mask.rows));
  cv::Mat filled;
  cv::compare(inner, kOutside, filled, cv::CMP_NE);
  return filled;
}

cv::Mat smooth_mask(const cv::Mat& mask, int radius) {
  cv::Mat binary = binarize(mask, "smooth_mask");
  if (radius <= 0) return binary;
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
  cv::Mat opened;
  cv::Mat closed;
  cv::morphologyEx(binary, opened, cv::MORPH_OPEN, disc);
  cv::morphologyEx(opened, closed, cv::MORPH_CLOSE, disc);
  return closed;
}

cv::Mat split_touching(const cv::Mat& mask, double neck_ratio) {
  cv::Mat binary = binarize(mask, "split_touching");
  SEGOID_CHECK(neck_ratio > 0.0 && neck_ratio < 1.0, "split_touching: neck_ratio must be in (0, 1)");
  cv::Mat components;
  cv::Mat stats;
  cv::Mat centroids;
  const int count = cv::connectedComponentsWithStats(binary, components, stats, centroids, kEightConnected, CV_32S);
  if (count <= 1) return binary;
  cv::Mat distance;
  cv::distanceTransform(binary, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  std::vector<float> peak(static_cast<std::size_t>(count), 0.0F);
  for (int row = 0; row < binary.rows; ++row) {
    const int* label = components.ptr<int>(row);
    const float* d = distance.ptr<float>(row);
    for (int col = 0; col < binary.cols; ++col) peak[label[col]] = std::max(peak[label[col]], d[col]);
  }
  for (int label = 1; label < count; ++label) {
    const cv::Rect box(stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
                       stats.at<int>(label, cv::CC_STAT_WIDTH), stats.at<int>(label, cv::CC_STAT_HEIGHT));
    const cv::Mat object = components(box) == label;
    const cv::Mat above = distance(box) > static_cast<float>(neck_ratio) * peak[label];
    cv::Mat cores;
    const int core_count = cv::connectedComponents(object & above, cores, kEightConnected, CV_32S) - 1;
    if (core_count < 2) continue;
    const cv::Mat parts = data::separated_mask(flood_object(distance(box), object, cores));
    cv::Mat window = binary(box);
    window.setTo(0, object);
    window.setTo(kForeground, parts);
  }
  return binary;
}

cv::Mat postprocess(const cv::Mat& probability, const PostprocessOptions& options) {
  cv::Mat mask = threshold_probability(probability, options.threshold);
  if (options.smooth_radius > 0) mask = smooth_mask(mask, options.smooth_radius);
  if (options.fill_holes) mask = fill_holes(mask);
  if (options.split_touching) mask = split_touching(mask, options.split_neck_ratio);
  // Small and unsure objects go in one labelling pass.
  const bool unsure = options.min_mean_probability > 0.0;
  if (options.min_object_area > 1 || unsure) {
    filter_objects_in_place(mask, options.min_object_area, unsure ? &probability : nullptr,
                            options.min_mean_probability);
  }
  return mask;
}

}  // namespace segoid::infer
