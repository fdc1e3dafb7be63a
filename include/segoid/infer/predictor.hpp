// SPDX-License-Identifier: MIT
// A trained U-Net ready for inference, behind a torch-free interface: tiles in, probabilities out.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace segoid::infer {

/// How to run a model.
struct PredictorOptions {
  std::string device = "auto";  ///< auto | cpu | cuda
  int threads = 0;              ///< intra-op threads; 0 = all cores
  bool channels_last = true;    ///< NHWC memory layout on CPU (faster convolutions in oneDNN)
  bool fold_batchnorm = true;   ///< fold BatchNorm into convolutions (exact up to rounding)
  /// Empty: the two flags above decide. "auto": measured on this machine at first use (cached in
  /// cache_dir). Otherwise one of inference_forms() (forced; overrides the flags).
  std::string form;
  std::filesystem::path cache_dir;  ///< speed-choice cache for form "auto"; empty = measure every time
  int probe_tile = 0;               ///< tile side "auto" measures (predict's tile); 0 = the checkpoint's patch size
};

/// The bf16 form, tried only where the CPU has avx512_bf16 or AMX.
inline constexpr char kInferenceFormBf16[] = "folded_channels_last_bf16";

/// The inference forms: folded_channels_last, folded_contiguous, plain_channels_last,
/// plain_contiguous, and folded_channels_last_bf16 (only measured where the CPU has bf16 units).
const std::vector<std::string>& inference_forms();

/// What the checkpoint says about its model (copied out of model::CheckpointInfo).
struct ModelDescription {
  std::filesystem::path checkpoint;
  std::string encoder;        ///< resnet18 | resnet34
  int in_channels = 1;        ///< channels the network takes (gray is repeated for 3)
  std::string normalization;  ///< range | percentile
  int patch_size = 256;       ///< training patch side, pixels (default tile size)
  int epoch = 0;              ///< epochs trained
  double best_val_dice = 0.0;
  double training_pixel_size = 0.0;  ///< µm/px of the training images (model.training_pixel_size); 0 = unknown
  double image_scale = 1.0;   ///< the model saw its training images resized by this (model.image_scale)
  std::string device;         ///< resolved: cpu | cuda
  int threads = 0;            ///< intra-op threads in effect
  std::string form;           ///< inference form in use, one of inference_forms()
  std::string form_source;    ///< forced | measured | cached | flags | device
  std::map<std::string, double> form_rates;  ///< tiles/s per form, when measured or cached
};

/// Runs a U-Net checkpoint on batches of normalized tiles. Copies share the loaded model; calls
/// are not thread-safe. Runs in eval mode under torch::InferenceMode.
class Predictor {
 public:
  /// Loads `checkpoint`, builds the inference form and sets the thread count.
  /// Throws ModelError naming the file when it is missing or unusable, ConfigError for a bad device.
  static Predictor load(const std::filesystem::path& checkpoint, const PredictorOptions& options = {});

  /// Tiles: CV_32FC1, all of one size (a multiple of 32), already normalized; views are fine.
  /// Returns one CV_32FC1 sigmoid probability map per tile. Throws ModelError on a bad shape.
  std::vector<cv::Mat> predict(const std::vector<cv::Mat>& tiles) const;

  const ModelDescription& description() const;
  /// Seconds spent inside the network (tensor upload, forward, sigmoid, download) so far.
  double model_seconds() const;

  struct Impl;

 private:
  explicit Predictor(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace segoid::infer
