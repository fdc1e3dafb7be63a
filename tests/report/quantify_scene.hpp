// SPDX-License-Identifier: MIT
// Predicted and true masks for the quantify tests (the library call and the command).
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "segoid/core/atomic_file.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::test {

// Two images with truth (one perfect, one with a miss) and one without.
inline void write_quantify_scene(const std::filesystem::path& dir) {
  cv::Mat truth(100, 140, CV_8UC1, cv::Scalar(0));
  cv::circle(truth, {35, 50}, 14, 255, cv::FILLED);
  cv::circle(truth, {100, 50}, 18, 255, cv::FILLED);
  cv::Mat pred = truth.clone();
  cv::circle(pred, {100, 50}, 18, 0, cv::FILLED);  // missed
  io::write_mask_tiff(dir / "pred" / "w1_pred_mask.tif", truth);
  io::write_mask_tiff(dir / "pred" / "w2_pred_mask.tif", pred);
  io::write_mask_tiff(dir / "pred" / "w3_pred_mask.tif", truth);
  io::write_mask_tiff(dir / "gt" / "w1.tif", truth);
  io::write_mask_tiff(dir / "gt" / "w2.tif", truth);
  core::write_file_atomic(dir / "test.csv", "basename,image_path,mask_path\nw1,i.tif," + (dir / "gt" / "w1.tif").string() +
                                                "\nw2,i.tif," + (dir / "gt" / "w2.tif").string() + "\n");
}

}  // namespace segoid::test
