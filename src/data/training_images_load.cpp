// SPDX-License-Identifier: MIT
// Reading training image+mask pairs from disk (kept apart so in-memory users need no io).
#include <string>

#include "segoid/core/error.hpp"
#include "segoid/data/training_images.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::data {
namespace {

std::string size_text(const cv::Mat& mat) {
  return std::to_string(mat.cols) + "x" + std::to_string(mat.rows);
}

}  // namespace

std::vector<TrainingImage> load_training_images(
    const std::vector<std::filesystem::path>& image_paths,
    const std::vector<std::filesystem::path>& mask_paths, io::Normalization mode) {
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
                                         io::normalize_intensity(image.pixels, mode), mask.pixels));
  }
  return result;
}

}  // namespace segoid::data
