// SPDX-License-Identifier: MIT
// Prediction masks for the extract_metrics tests (in-process and through the command).
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "segoid/io/image_io.hpp"

namespace segoid::test {

/// Three prediction masks: discs, an ellipse, a 2 px speck (circularity missing) and an empty image.
inline std::filesystem::path write_prediction_masks(const std::filesystem::path& dir) {
  cv::Mat a(120, 160, CV_8UC1, cv::Scalar(0)), b = a.clone(), c = a.clone();
  cv::circle(a, {30, 30}, 12, 255, cv::FILLED);
  cv::circle(a, {100, 50}, 17, 255, cv::FILLED);
  a(cv::Rect(150, 110, 2, 1)).setTo(255);
  cv::ellipse(b, {80, 60}, {30, 12}, 30, 0, 360, 255, cv::FILLED);
  cv::circle(b, {20, 100}, 8, 255, cv::FILLED);
  io::write_mask_tiff(dir / "pred" / "a_pred_mask.tif", a);
  io::write_mask_tiff(dir / "pred" / "b_pred_mask.tif", b);
  io::write_mask_tiff(dir / "pred" / "c_pred_mask.tif", c);
  return dir / "pred";
}

}  // namespace segoid::test
