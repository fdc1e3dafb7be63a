// SPDX-License-Identifier: MIT
// Test fixture: a working folder with one planted fault per image, and the status each must get.
#pragma once

#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "segoid/core/atomic_file.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::test {

constexpr int kPlantedWidth = 64;
constexpr int kPlantedHeight = 48;

/// A 16-bit brightfield-like image: bright background, darker disc where `mask` is set.
inline cv::Mat planted_image(const cv::Mat& mask) {
  cv::Mat image(kPlantedHeight, kPlantedWidth, CV_16UC1, cv::Scalar(40000));
  image.setTo(cv::Scalar(12000), mask);
  return image;
}

inline cv::Mat disc_mask(cv::Point centre, int radius, std::uint8_t value = 255) {
  cv::Mat mask = cv::Mat::zeros(kPlantedHeight, kPlantedWidth, CV_8UC1);
  cv::circle(mask, centre, radius, cv::Scalar(value), cv::FILLED);
  return mask;
}

/// Writes <dir>/images and <dir>/masks; returns the expected status per basename
/// (orphan masks under their basename).
inline std::map<std::string, std::string> write_planted_dataset(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path images = dir / "images";
  const fs::path masks = dir / "masks";
  fs::create_directories(images);
  fs::create_directories(masks);
  auto pair = [&](const std::string& name, const cv::Mat& mask) {
    io::write_gray_tiff(images / (name + ".tif"), planted_image(mask != 0));
    io::write_gray_tiff(masks / (name + "_mask.tif"), mask);  // raw levels, not forced to 0/255
  };
  pair("good_one", disc_mask({30, 20}, 10));
  cv::Mat two = disc_mask({15, 15}, 6);
  cv::circle(two, {45, 30}, 8, cv::Scalar(255), cv::FILLED);
  pair("good_two", two);
  pair("zero_one", disc_mask({32, 24}, 12, 1));
  pair("empty_unconfirmed", cv::Mat::zeros(kPlantedHeight, kPlantedWidth, CV_8UC1));
  pair("empty_confirmed", cv::Mat::zeros(kPlantedHeight, kPlantedWidth, CV_8UC1));
  cv::Mat levels = disc_mask({20, 20}, 8);
  cv::circle(levels, {45, 30}, 5, cv::Scalar(128), cv::FILLED);
  pair("multi_level", levels);
  io::write_gray_tiff(images / "missing_mask.tif", planted_image(disc_mask({30, 20}, 9) != 0));
  io::write_mask_tiff(masks / "orphan_mask.tif", disc_mask({30, 20}, 9));
  io::write_gray_tiff(images / "size_mismatch.tif", planted_image(disc_mask({30, 20}, 9) != 0));
  io::write_mask_tiff(masks / "size_mismatch_mask.tif", disc_mask({30, 20}, 9)(cv::Rect(0, 0, 64, 40)).clone());
  // A PNG mask with a TIFF image is fine: masks may have any image extension.
  io::write_gray_tiff(images / "png_mask.tif", planted_image(disc_mask({30, 20}, 9) != 0));
  io::write_preview(masks / "png_mask_mask.png", disc_mask({30, 20}, 9));
  io::write_gray_tiff(images / "corrupt.tif", planted_image(disc_mask({30, 20}, 9) != 0));
  core::write_file_atomic(images / "corrupt.tif", core::read_file(images / "corrupt.tif").substr(0, 300));
  io::write_mask_tiff(masks / "corrupt_mask.tif", disc_mask({30, 20}, 9));
  return {{"good_one", "pass"},          {"good_two", "pass"},        {"zero_one", "pass"},
          {"empty_unconfirmed", "flagged"}, {"empty_confirmed", "pass"}, {"multi_level", "fail"},
          {"missing_mask", "fail"},      {"orphan", "fail"},          {"size_mismatch", "fail"},
          {"png_mask", "pass"},          {"corrupt", "fail"}};
}

}  // namespace segoid::test
