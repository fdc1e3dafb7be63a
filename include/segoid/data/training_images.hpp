// SPDX-License-Identifier: MIT
// Full training images with their binary masks, normalized once and indexed for fast sampling.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/io/normalization.hpp"

namespace segoid::data {

/// One image+mask pair held in memory for patch sampling.
struct TrainingImage {
  std::string basename;               ///< file stem of the image, for messages and logs
  cv::Mat image;                      ///< H x W, CV_32FC1, normalized to [0, 1]
  cv::Mat mask;                       ///< H x W, CV_8UC1, 0 background / 1 foreground
  std::vector<cv::Point> foreground;  ///< every foreground pixel (x = col, y = row), row-major
};

/// Builds a TrainingImage from in-memory pixels. `image` must be CV_32FC1 (already normalized);
/// `mask` is CV_8UC1, CV_16UC1 or CV_32FC1 where any non-zero pixel is foreground. The mats are
/// shared, not copied, except the mask, which is binarized into a new 0/1 CV_8UC1 mat.
/// Throws DataError naming `basename` for a size mismatch, an empty image or a wrong type.
TrainingImage make_training_image(std::string basename, cv::Mat image, const cv::Mat& mask);

/// Reads image i and mask i for every i with io::read_image, normalizes each image with `mode`
/// and binarizes each mask (non-zero = foreground). `basename` is the image file's stem. With
/// `scale` != 1 both are then resized by it (io::scale_image, io::scale_mask: model.image_scale),
/// as predict_full resizes new images.
/// Throws DataError when the lists differ in length or an image and its mask differ in size
/// (naming both files); IoError (from io) for unreadable files.
std::vector<TrainingImage> load_training_images(
    const std::vector<std::filesystem::path>& image_paths,
    const std::vector<std::filesystem::path>& mask_paths, io::Normalization mode, double scale = 1.0);

}  // namespace segoid::data
