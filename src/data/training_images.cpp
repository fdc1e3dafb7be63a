// SPDX-License-Identifier: MIT
// Training image+mask pairs: read, normalize, binarize the mask and index the foreground.
#include "segoid/data/training_images.hpp"

#include <opencv2/core.hpp>

#include <string>
#include <utility>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"

namespace segoid::data {
namespace {

std::string size_text(const cv::Mat& mat) {
  return std::to_string(mat.cols) + "x" + std::to_string(mat.rows);
}

}  // namespace

TrainingImage make_training_image(std::string basename, cv::Mat image, const cv::Mat& mask) {
  if (image.empty()) throw DataError("training image \"" + basename + "\" is empty");
  if (image.type() != CV_32FC1) {
    throw DataError("training image \"" + basename +
                    "\": expected a normalized CV_32FC1 image, got type " +
                    std::to_string(image.type()));
  }
  if (mask.channels() != 1) {
    throw DataError("mask of \"" + basename + "\": expected 1 channel, got " +
                    std::to_string(mask.channels()));
  }
  if (mask.size() != image.size()) {
    throw DataError("mask of \"" + basename + "\" is " + size_text(mask) + " but the image is " +
                    size_text(image));
  }
  TrainingImage result;
  result.basename = std::move(basename);
  result.image = std::move(image);
  // compare() gives 255 for non-zero; divide to the 0/1 the loss expects.
  cv::Mat nonzero;
  cv::compare(mask, 0, nonzero, cv::CMP_NE);
  result.mask = nonzero / 255;
  cv::findNonZero(result.mask, result.foreground);
  return result;
}

std::vector<TrainingImage> load_training_images(
    const std::vector<std::filesystem::path>& image_paths,
    const std::vector<std::filesystem::path>& mask_paths, io::Normalization mode, double scale) {
  if (image_paths.size() != mask_paths.size()) {
    throw DataError("got " + std::to_string(image_paths.size()) + " training images but " +
                    std::to_string(mask_paths.size()) + " masks");
  }
  std::vector<TrainingImage> result;
  result.reserve(image_paths.size());
  for (std::size_t i = 0; i < image_paths.size(); ++i) {
    const io::Image image = io::read_image(image_paths[i]);
    const io::Image mask = io::read_image(mask_paths[i]);
    if (image.pixels.size() != mask.pixels.size()) {
      throw DataError("image \"" + image_paths[i].string() + "\" is " + size_text(image.pixels) +
                      " but its mask \"" + mask_paths[i].string() + "\" is " +
                      size_text(mask.pixels));
    }
    result.push_back(make_training_image(image_paths[i].stem().string(),
                                         io::scale_image(io::normalize_intensity(image.pixels, mode), scale),
                                         io::scale_mask(mask.pixels, scale)));
  }
  return result;
}

}  // namespace segoid::data
