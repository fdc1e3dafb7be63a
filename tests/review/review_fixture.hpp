// SPDX-License-Identifier: MIT
// Tiny review folders for the review tests: images, predicted masks with two square objects,
// and probability maps.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/io/image_io.hpp"

namespace segoid::test {

/// Object A: the square [10, 30) x [10, 30); object B: [60, 90) x [40, 70); image 120 x 100.
inline const cv::Rect kObjectA(10, 10, 20, 20);
inline const cv::Rect kObjectB(60, 40, 30, 30);

inline cv::Mat two_object_mask() {
  cv::Mat mask(100, 120, CV_8UC1, cv::Scalar(0));
  mask(kObjectA).setTo(255);
  mask(kObjectB).setTo(255);
  return mask;
}

/// Writes `names` as 16-bit TIFF images in root/images and their predictions in root/pred
/// (<name>_pred_mask.tif, and <name>_pred_prob.tif whose border band holds `border_p[i]`).
inline void write_review_folder(const std::filesystem::path& root, const std::vector<std::string>& names,
                                const std::vector<float>& border_p) {
  std::filesystem::create_directories(root / "images");
  std::filesystem::create_directories(root / "pred");
  for (size_t i = 0; i < names.size(); ++i) {
    cv::Mat image(100, 120, CV_16UC1);
    for (int row = 0; row < image.rows; ++row) {
      for (int col = 0; col < image.cols; ++col) image.at<uint16_t>(row, col) = static_cast<uint16_t>(100 * col + row);
    }
    io::write_gray_tiff(root / "images" / (names[i] + ".tif"), image);
    const cv::Mat mask = two_object_mask();
    io::write_mask_tiff(root / "pred" / (names[i] + "_pred_mask.tif"), mask);
    cv::Mat prob(mask.size(), CV_32FC1);
    mask.convertTo(prob, CV_32F, 1.0 / 255.0);
    if (i < border_p.size()) {
      cv::Mat dilated, eroded;
      const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7));
      cv::dilate(mask, dilated, kernel);
      cv::erode(mask, eroded, kernel);
      prob.setTo(border_p[i], dilated & ~eroded);
      io::write_float_tiff(root / "pred" / (names[i] + "_pred_prob.tif"), prob);
    }
  }
}

}  // namespace segoid::test
