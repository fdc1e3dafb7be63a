// SPDX-License-Identifier: MIT
// LibTorch side of the predictor: checkpoint loading, inference form, batched forward passes.
#include "segoid/infer/predictor.hpp"

#include <yaml-cpp/yaml.h>

#include <torch/torch.h>

#include <chrono>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/inference_form.hpp"
#include "segoid/model/torch_runtime.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::infer {

/// The U-Net's encoder downsamples 5 times.
constexpr int kSizeMultiple = 32;

struct Predictor::Impl {
  model::Unet net{nullptr};
  torch::Device device{torch::kCPU};
  bool channels_last = false;
  ModelDescription description;
  double model_seconds = 0.0;
};

namespace {

/// model.training_pixel_size from the training config a checkpoint carries; 0 when absent (a
/// Python checkpoint, an unset key) or unreadable.
double training_pixel_size_of(const std::string& config_yaml) {
  if (config_yaml.empty()) return 0.0;
  try {
    const YAML::Node node = YAML::Load(config_yaml)["model"]["training_pixel_size"];
    return node && node.IsScalar() ? node.as<double>() : 0.0;
  } catch (const YAML::Exception&) {
    return 0.0;
  }
}

}  // namespace

Predictor Predictor::load(const std::filesystem::path& checkpoint, const PredictorOptions& options) {
  auto impl = std::make_shared<Impl>();
  impl->description.threads = model::configure_threads(options.threads);
  impl->description.device = model::resolve_device(options.device);
  impl->device = torch::Device(impl->description.device == "cuda" ? torch::kCUDA : torch::kCPU);
  model::LoadedCheckpoint loaded = model::load_checkpoint(checkpoint, impl->device);
  impl->net = options.fold_batchnorm ? model::make_inference_model(loaded.model) : loaded.model;
  impl->net->eval();
  impl->channels_last = options.channels_last && impl->device.is_cpu();
  // oneDNN runs NHWC convolutions without layout conversions when the weights are NHWC too
  // (make_inference_model already stores them so).
  for (auto& p : impl->net->parameters()) {
    if (p.dim() != 4) continue;
    p.set_data(p.data().contiguous(impl->channels_last ? torch::MemoryFormat::ChannelsLast
                                                       : torch::MemoryFormat::Contiguous));
  }
  ModelDescription& d = impl->description;
  d.checkpoint = checkpoint;
  d.encoder = loaded.info.encoder;
  d.in_channels = loaded.info.in_channels;
  d.normalization = loaded.info.normalization;
  d.patch_size = loaded.info.patch_size;
  d.epoch = loaded.info.epoch;
  d.best_val_dice = loaded.info.best_val_dice;
  d.training_pixel_size = training_pixel_size_of(loaded.info.config_yaml);
  return Predictor(std::move(impl));
}

const ModelDescription& Predictor::description() const { return impl_->description; }

double Predictor::model_seconds() const { return impl_->model_seconds; }

std::vector<cv::Mat> Predictor::predict(const std::vector<cv::Mat>& tiles) const {
  if (tiles.empty()) return {};
  const int rows = tiles.front().rows;
  const int cols = tiles.front().cols;
  if (rows % kSizeMultiple != 0 || cols % kSizeMultiple != 0) {
    throw ModelError("tile size " + std::to_string(cols) + "x" + std::to_string(rows) +
                     " is not a multiple of " + std::to_string(kSizeMultiple) + " as the U-Net needs");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto n = static_cast<int64_t>(tiles.size());
  torch::Tensor input = torch::empty({n, 1, rows, cols}, torch::kFloat);
  for (int64_t i = 0; i < n; ++i) {
    const cv::Mat& tile = tiles[i];
    SEGOID_CHECK(tile.type() == CV_32FC1 && tile.rows == rows && tile.cols == cols,
                 "Predictor::predict: tiles must be CV_32FC1 of one size");
    cv::Mat target(rows, cols, CV_32FC1, input[i].data_ptr<float>());
    tile.copyTo(target);  // handles non-contiguous views
  }
  const int in_channels = impl_->description.in_channels;
  std::vector<cv::Mat> out;
  {
    torch::InferenceMode guard;
    torch::Tensor x = in_channels == 1 ? input : input.expand({n, in_channels, rows, cols});
    x = x.to(impl_->device);
    if (impl_->channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
    torch::Tensor prob = torch::sigmoid(impl_->net->forward(x)).select(1, 0).to(torch::kCPU).contiguous();
    out.reserve(tiles.size());
    for (int64_t i = 0; i < n; ++i) {
      out.push_back(cv::Mat(rows, cols, CV_32FC1, prob[i].data_ptr<float>()).clone());
    }
  }
  impl_->model_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace segoid::infer
