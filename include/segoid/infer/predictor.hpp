// SPDX-License-Identifier: MIT
// A trained U-Net ready for inference, behind a torch-free interface: tiles in, probabilities out.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "segoid/model/checkpoint_info.hpp"

namespace segoid::infer {

/// The int8 form (model::QuantizedUnet, LibTorch's oneDNN quantized engine). A run calibrates it
/// on its first tiles and checks it against float32 on the next batches with objects (250 mask
/// pixels each), until float32's mask there has 8000 pixels or 24 tiles are checked
/// (PredictorRuntime::int8_check), and again on each later image (Predictor::start_image); the
/// tiles checked are answered in float32. Ranges whose first check passed are cached per
/// checkpoint (PredictorOptions::cache_dir): a later run starts from them with its check, and
/// calibrates on its own tiles only when that check fails (PredictorRuntime::int8_ranges). "auto"
/// measures int8 beside the float32 forms and, where it is faster, runs it only while each
/// check's mask Dice against float32 is at least PredictorOptions::int8_min_mask_dice: below that
/// the run goes on in float32. Forced, it runs whatever the check says (a warning below the
/// bound). Float32 also answers where the int8 kernels cannot run.
inline constexpr char kInferenceFormInt8[] = "folded_int8";
/// The documented bound: a whole-plate mask Dice under 0.999 is a visible change in area.
inline constexpr double kInt8MinMaskDice = 0.999;
/// A check's size in float32 mask pixels. At 1000, two differing pixels moved its Dice by 0.001,
/// the whole bound: a phase-contrast plate's check passed at 0.99903 on 12 tiles while the
/// plate's mask Dice was 0.9909 (AVX2 cap, ranges cached from another plate).
inline constexpr int64_t kInt8CheckMaskPixels = 8000;

/// How to run a model: predict.yaml's `runtime:` keys (device, threads, inference_form) and what
/// the library sets (flags, cache, tile). Each default here is the key's only default.
struct PredictorOptions {
  std::string device = "auto";  ///< auto | cpu | cuda
  /// Intra-op threads; 0 = all cores, or one per physical core where SMT gives a core two threads
  /// and that measured faster (at first use, cached in cache_dir like the form).
  int threads = 0;
  bool channels_last = true;    ///< NHWC memory layout on CPU (faster convolutions in oneDNN)
  bool fold_batchnorm = true;   ///< fold BatchNorm into convolutions (exact up to rounding)
  /// "auto": measured on this machine at first use (cached in cache_dir). Empty: the two flags
  /// above decide. Otherwise one of inference_forms() (forced; overrides the flags).
  std::string form = "auto";
  std::filesystem::path cache_dir;  ///< speed-choice cache for form "auto"; empty = measure every time
  /// Tile side the predictor will run (the "auto" form is measured at it); 0 = the checkpoint's
  /// default tile size (its training patch). PredictorRuntime::tile_size is the side resolved.
  int tile_size = 0;
  /// Tiles per forward pass the caller will send (predict() takes any count). 0 = measured: on
  /// the CPU, the batch size with the most tiles/s for this form and tile, measured at first use
  /// and cached in cache_dir like the form; kDeviceBatchSize on a GPU. PredictorRuntime::batch_size
  /// is the one resolved.
  int batch_size = 0;
  /// The mask Dice against float32 an "auto"-chosen int8 form must reach on its check batch to
  /// run; the library's bound, kept as an option so that tests can make a check fail.
  double int8_min_mask_dice = kInt8MinMaskDice;
  /// The float32 mask pixels a check needs (kInt8CheckMaskPixels); an option so that tests can
  /// make a check inconclusive.
  int64_t int8_check_mask_pixels = kInt8CheckMaskPixels;
};

/// The batch size on a GPU when none is given (not measured there): the earlier fixed default.
inline constexpr int kDeviceBatchSize = 4;

/// What a loaded predictor runs with, resolved from PredictorOptions and the checkpoint.
struct PredictorRuntime {
  std::string device;          ///< cpu | cuda
  int threads = 0;             ///< intra-op threads in effect
  std::string threads_source;  ///< given | all cores | measured | cached
  std::map<std::string, double> threads_rates;  ///< tiles/s per thread count, when measured or cached
  std::string form;            ///< inference form in use, one of inference_forms()
  std::string form_source;     ///< forced | measured | cached | flags | device
  std::map<std::string, double> form_rates;  ///< tiles/s per form, when measured or cached
  int tile_size = 0;           ///< PredictorOptions::tile_size, or the model's default tile size
  int batch_size = 0;          ///< PredictorOptions::batch_size, or the one measured or cached
  std::string batch_source;    ///< given | measured | cached | device
  std::map<std::string, double> batch_rates;  ///< tiles/s per batch size, when measured or cached
  /// The int8 form's agreement with float32: the lowest of its checks (the first batch with
  /// objects after calibration, then each image's) and how many ran; empty for the other forms.
  /// When "auto" chose int8 and a check fell below the bound, `form` says folded_channels_last.
  std::string int8_check;
  /// Where the int8 form's activation ranges came from: this run's first tiles, or the cache (a
  /// run of the same checkpoint whose calibration passed its check); empty for the other forms.
  std::string int8_ranges;
};

/// The bf16 form (avx512_bf16 or AMX), run only when asked for: "auto" does not measure it,
/// because on whole plates bf16 masks differ from float32's beyond the 0.999 mask-Dice bound.
inline constexpr char kInferenceFormBf16[] = "folded_channels_last_bf16";
/// The inference forms: folded_channels_last, folded_contiguous, plain_channels_last,
/// plain_contiguous, folded_channels_last_bf16 (opt-in; where the CPU has bf16 units) and
/// folded_int8.
const std::vector<std::string>& inference_forms();

/// Runs a U-Net checkpoint on batches of normalized tiles. Copies share the loaded model; calls
/// are not thread-safe. Runs in eval mode under torch::InferenceMode.
class Predictor {
 public:
  /// Loads `checkpoint`, resolves the tile size, builds the inference form and sets the thread
  /// count. Throws ModelError naming the file when it is missing or unusable, ConfigError for a bad
  /// device or a checkpoint patch size that is no tile size (not a multiple of 32).
  static Predictor load(const std::filesystem::path& checkpoint, const PredictorOptions& options = {});

  /// Tiles: CV_32FC1, all of one size (a multiple of 32), already normalized; views are fine.
  /// Returns one CV_32FC1 sigmoid probability map per tile. Throws ModelError on a bad shape.
  std::vector<cv::Mat> predict(const std::vector<cv::Mat>& tiles) const;
  /// The next tiles are a new image's: a running int8 form is checked again on its first batches
  /// with objects (one plate type's scales need not hold on the next).
  void start_image() const;

  /// The checkpoint's info: its model description (normalization, image scale, ...) and run.
  const model::CheckpointInfo& checkpoint() const;
  const PredictorRuntime& runtime() const;
  /// Seconds spent inside the network (tensor upload, forward, sigmoid, download) so far.
  double model_seconds() const;

  struct Impl;

 private:
  explicit Predictor(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace segoid::infer
