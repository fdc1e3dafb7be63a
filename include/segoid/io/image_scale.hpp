// SPDX-License-Identifier: MIT
// Resizing images for the model (model.image_scale, inference.scale): one rule for training and
// prediction, so that a model sees its training images and new images alike.
#pragma once

#include <opencv2/core.hpp>

namespace segoid::io {

/// The range of model.image_scale and inference.scale.
inline constexpr double kMinImageScale = 0.05;
inline constexpr double kMaxImageScale = 8.0;

/// The size of an image of `size` at `scale`: each side rounded, at least 1 px.
cv::Size scaled_size(const cv::Size& size, double scale);

/// A normalized image (CV_32FC1) resized by `scale`: area averaging when shrinking (no
/// aliasing), bilinear when enlarging; the image itself (not a copy) when `scale` is 1.
cv::Mat scale_image(const cv::Mat& image, double scale);

/// A mask (non-zero = object) resized by `scale` to 0/255 CV_8UC1: a pixel is object where at
/// least half of the area it covers is (bilinear when enlarging), so that the mask stays on the
/// image resized by scale_image. When shrinking, objects that are apart (separate 8-connected
/// components) stay apart: where two meet at the new size, the one with the higher component id
/// loses its pixels next to the other, a 1-px gap.
cv::Mat scale_mask(const cv::Mat& mask, double scale);

}  // namespace segoid::io
