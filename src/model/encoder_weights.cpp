// SPDX-License-Identifier: MIT
// Finding and loading torchvision ResNet weights into the Unet encoder, conv1 adapted as smp does.
#include "segoid/model/encoder_weights.hpp"

#include <algorithm>
#include <vector>

#include "segoid/core/error.hpp"
#include "segoid/model/state_dict.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

constexpr int kRgbChannels = 3;

std::string how_to_provide(const std::string& encoder) {
  return "provide torchvision's " + encoder + " ImageNet weights (e.g. the file " + encoder +
         "-<hash>.pth that torchvision.models." + encoder +
         "(weights='IMAGENET1K_V1') stores under ~/.cache/torch/hub/checkpoints/) by setting "
         "model.encoder_weights_path to it, or by putting it into the folder named by $SEGOID_WEIGHTS_DIR; "
         "or set `model.encoder_weights: null` to start from random weights. SegOid never downloads";
}

}  // namespace

fs::path find_encoder_weights(const std::string& encoder, const std::string& configured_path,
                              const std::string& weights_dir) {
  resnet_layers(encoder);  // validates the name
  std::error_code ec;
  if (!configured_path.empty()) {
    if (!fs::is_regular_file(configured_path, ec)) {
      throw ModelError("model.encoder_weights_path \"" + configured_path + "\" does not exist; " +
                       how_to_provide(encoder));
    }
    return configured_path;
  }
  // weights_dir: folders separated by ':' ($SEGOID_WEIGHTS_DIR, then PyTorch's hub cache), searched in order.
  std::vector<std::string> folders;
  std::string folder;
  for (char c : weights_dir + ":") {
    if (c != ':') {
      folder += c;
    } else if (!folder.empty()) {
      folders.push_back(folder);
      folder.clear();
    }
  }
  if (folders.empty()) {
    throw ModelError("model.encoder_weights is imagenet but no weights file is configured, $SEGOID_WEIGHTS_DIR "
                     "is not set and there is no PyTorch hub cache; " + how_to_provide(encoder));
  }
  std::string searched;
  for (const std::string& dir : folders) {
    std::vector<fs::path> candidates;
    if (fs::is_directory(dir, ec)) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        // torchvision names its files <encoder>-<hash>.pth (resnet18-f37072fd.pth).
        if (entry.is_regular_file() && name.rfind(encoder, 0) == 0 && entry.path().extension() == ".pth" &&
            (name.size() == encoder.size() + 4 || name[encoder.size()] == '-' || name[encoder.size()] == '_')) {
          candidates.push_back(entry.path());
        }
      }
    }
    if (!candidates.empty()) {
      std::sort(candidates.begin(), candidates.end());
      return candidates.front();
    }
    searched += (searched.empty() ? "\"" : ", \"") + dir + "\"";
  }
  throw ModelError("no " + encoder + "*.pth in " + searched + " ($SEGOID_WEIGHTS_DIR, $TORCH_HOME/hub/checkpoints, " +
                   "~/.cache/torch/hub/checkpoints); " + how_to_provide(encoder));
}

torch::Tensor adapt_first_conv(const torch::Tensor& rgb_weight, int in_channels) {
  SEGOID_CHECK(rgb_weight.dim() == 4 && rgb_weight.size(1) == kRgbChannels, "conv1 weight must be [out, 3, k, k]");
  SEGOID_CHECK(in_channels >= 1, "in_channels must be positive");
  if (in_channels == kRgbChannels) return rgb_weight.clone();
  if (in_channels == 1) return rgb_weight.sum(/*dim=*/1, /*keepdim=*/true);
  std::vector<torch::Tensor> channels;
  for (int channel = 0; channel < in_channels; ++channel) {
    channels.push_back(rgb_weight.select(1, channel % kRgbChannels));
  }
  return torch::stack(channels, /*dim=*/1) * (static_cast<double>(kRgbChannels) / in_channels);
}

void load_encoder_weights(Unet& model, const fs::path& path) {
  SEGOID_CHECK(!model.is_empty(), "load_encoder_weights needs a model");
  StateDict entries;
  for (auto& [name, tensor] : read_state_dict(path)) {
    if (name.rfind("fc.", 0) == 0) continue;  // classifier head: not part of the encoder
    if (name == "conv1.weight") {
      if (tensor.dim() != 4 || tensor.size(1) != kRgbChannels) {
        throw ModelError("\"" + path.string() + "\": conv1.weight is not a torchvision RGB stem [64, 3, 7, 7]");
      }
      tensor = adapt_first_conv(tensor, model->options().in_channels);
    }
    entries.emplace_back(name, tensor);
  }
  load_state_dict(*model->encoder, entries, path.string());
}

}  // namespace segoid::model
