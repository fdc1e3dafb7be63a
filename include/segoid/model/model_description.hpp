// SPDX-License-Identifier: MIT
// What a trained model is and what prediction must do to feed it: one typed description, written
// with the checkpoint and read once (torch-free, so that any stage can hold one).
#pragma once

#include <filesystem>
#include <string>

#include "segoid/io/normalization.hpp"
#include "segoid/model/unet_options.hpp"

namespace segoid::model {

/// Tile side for a model whose training patch size was not recorded (a Python SegOid .pth
/// without its config): the Python tool's default patch size.
inline constexpr int kUnrecordedPatchTile = 256;

/// The facts a model carries. Stored in the checkpoint's info document (format version 2 keys
/// architecture, encoder, in_channels, classes, normalization, patch_size, image_scale,
/// training_pixel_size); a checkpoint written before image_scale and training_pixel_size were
/// keys has them in its embedded training config (model.image_scale, model.training_pixel_size),
/// and a Python SegOid .pth has none of them (its normalization is the range one).
struct ModelDescription {
  std::string architecture = "unet";  ///< only "unet"
  std::string encoder = "resnet18";   ///< resnet18 | resnet34
  int in_channels = 1;                ///< image channels the network takes (gray is repeated)
  int classes = 1;                    ///< output channels (logits)
  /// Intensity normalization of training, applied to every image before the model (its
  /// percentiles are io::kPercentileLow and io::kPercentileHigh).
  io::Normalization normalization = io::Normalization::kPercentile;
  double image_scale = 1.0;           ///< images (and masks) were resized by this for the model
  double training_pixel_size = 0.0;   ///< µm/px of the training images; 0 = unknown
  int patch_size = 0;                 ///< training patch side, pixels; 0 = not recorded

  /// The tile side prediction uses unless told otherwise ("tile size 0"): the training patch
  /// size, or kUnrecordedPatchTile when it was not recorded.
  int default_tile_size() const { return patch_size > 0 ? patch_size : kUnrecordedPatchTile; }
};

/// The network architecture of `description`.
UnetOptions unet_options(const ModelDescription& description);

/// Reads the description of a checkpoint (SegOid .pt or Python .pth) without its weights.
/// Throws ModelError naming the file when it is missing, corrupt or describes an impossible model.
/// (Implemented with the checkpoint reader, in the torch part of the library.)
ModelDescription read_model_description(const std::filesystem::path& checkpoint);

}  // namespace segoid::model
