// SPDX-License-Identifier: MIT
// ImageNet encoder weights from a local torchvision ResNet file (never a download).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "segoid/model/unet.hpp"

namespace segoid::model {

/// Which weights file a model's encoder was initialised from (recorded in its checkpoints).
struct EncoderWeightsSource {
  std::filesystem::path file;  ///< empty = random initialisation
  std::string sha256;          ///< hex SHA-256 of the file
};

/// The torchvision weights file for `encoder`: `configured_path` when not empty (it must exist),
/// else the first (sorted) `<encoder>-*.pth` (or `<encoder>.pth`) of the first folder of
/// `weights_dir` that has one. `weights_dir` lists folders separated by ':'; cli/ passes
/// $SEGOID_WEIGHTS_DIR, then $TORCH_HOME/hub/checkpoints or ~/.cache/torch/hub/checkpoints, where
/// PyTorch (and a Python SegOid user) keeps resnet18-f37072fd.pth. Empty = none. Throws
/// ModelError naming the folders searched and how to provide a file:
/// model.encoder_weights_path, $SEGOID_WEIGHTS_DIR, or `model.encoder_weights: null`.
std::filesystem::path find_encoder_weights(const std::string& encoder, const std::string& configured_path,
                                           const std::string& weights_dir);

/// smp's adaptation of torchvision's RGB conv1 weight [64, 3, 7, 7] to `in_channels`: 3 as is,
/// 1 = sum over the RGB dimension, n = channel i takes RGB channel i % 3, scaled by 3 / n.
torch::Tensor adapt_first_conv(const torch::Tensor& rgb_weight, int in_channels);

/// Loads a torchvision ResNet state dict (`torch.save` of its OrderedDict; fc.* dropped, conv1
/// adapted to the model's in_channels) into `model->encoder`. Throws ModelError naming the file
/// and listing missing/unexpected/mismatched keys (e.g. a resnet34 file for a resnet18 model).
void load_encoder_weights(Unet& model, const std::filesystem::path& path);

}  // namespace segoid::model
