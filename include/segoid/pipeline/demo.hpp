// SPDX-License-Identifier: MIT
// `segoid demo`: the whole pipeline on built-in synthetic plates, ending in REPORT.md/report.html.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

namespace segoid::pipeline {

struct DemoOptions {
  std::filesystem::path out_dir;      ///< fresh folder for everything the demo writes
  bool force = false;                 ///< replace an existing, non-empty out_dir
  int images = 48;                    ///< training and validation images (8 of each style when mixed: 6 train, 2 val)
  /// Test images made beyond those (the same synthesizer, later image indices: 4 of each style at 24
  /// when mixed), never trained or validated on.
  int test_images = 24;
  std::string style = "mixed";        ///< synth style or "mixed" (one style per image)
  int image_side = 512;               ///< px, square images of the styles other than flat-well-only
  std::uint64_t seed = 42;            ///< synthesis, split and training seed
  std::filesystem::path config;       ///< training config; empty = the built-in demo config
  int threads = 0;                    ///< LibTorch threads; 0 = all cores
  int epochs = 0;                     ///< > 0 overrides the config's training.epochs
  std::filesystem::path weights_dir;  ///< $SEGOID_WEIGHTS_DIR (only if the config asks for imagenet)
  std::filesystem::path cache_dir;    ///< per-machine speed-choice cache (empty: measure, do not cache)
  /// The shipped model (spheroid-base), also scored on the test images beside the demo's own;
  /// empty: that row is left out.
  std::filesystem::path shipped_model;
  const std::atomic<bool>* interrupt = nullptr;
};

/// One model's scores on the demo's test images.
struct DemoModelScores {
  std::string model;            ///< what it is, for the report
  double test_dice = 0.0;       ///< mean pixel Dice over the test images
  double test_dice_std = 0.0;
  double detection_f1 = 0.0;    ///< micro F1 over the test images
  double detection_precision = 0.0, detection_recall = 0.0;
};

struct DemoResult {
  std::filesystem::path out_dir, report_md, report_html;
  double test_dice = 0.0;       ///< mean pixel Dice over the test images
  double test_dice_std = 0.0;
  double detection_f1 = 0.0;    ///< micro F1 over the test images
  double detection_precision = 0.0, detection_recall = 0.0;
  double best_val_dice = 0.0;
  int best_epoch = 0;
  int test_images = 0;
  long objects = 0;
  double seconds_total = 0.0, seconds_training = 0.0;
  /// The shipped model on the same test images, as it is (no training); absent without one.
  std::optional<DemoModelScores> shipped;
};

/// The YAML text of the built-in demo training config (also shipped as configs/demo.yaml).
const std::string& builtin_demo_config();

/// Synthesizes options.images + options.test_images images (options.style; "flat-well" gives
/// today's 1536x1408 plates), validates them, splits each style's first options.images 80/20 into
/// train and val (the later ones are the test set), trains, predicts and quantifies the test images
/// with the demo's model and, when options.shipped_model is set, with that model too, and writes
/// out_dir/REPORT.md and out_dir/report.html. Throws like the stages it runs.
DemoResult run_demo(const DemoOptions& options);

/// The closing lines the command prints (scores, bars, report path).
std::string format_demo_result(const DemoResult& result);

}  // namespace segoid::pipeline
