// SPDX-License-Identifier: MIT
// `segoid run_cv` (alias `cv`): cross-validation, one training run per fold, resumable.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "weights_dirs.hpp"
#include "interrupt.hpp"
#include "key_flags.hpp"
#include "segoid/core/error.hpp"
#include "segoid/pipeline/cross_validation.hpp"

namespace segoid::cli::cmd_run_cv {
namespace {

struct RunCvOptions {
  std::filesystem::path config = "configs/cv_config.yaml";
  std::vector<int> folds;
  bool force = false;
  std::shared_ptr<KeyFlags<pipeline::CvConfig>> keys;
};

void declare(CLI::App& sub, RunCvOptions& opt) {
  sub.add_option("--config", opt.config, "Cross-validation config (cv: section plus train.yaml sections)")
      ->capture_default_str();
  sub.add_option("--folds", opt.folds,
                 "Run only these 0-based folds, e.g. 0,2 (default: all; folds out of range are skipped with "
                 "a warning)")
      ->delimiter(',');
  sub.add_flag("--force", opt.force,
               "Discard the folds and results already in output.cv_dir (needed when the folds changed)");
  // No cv row names a flag yet. One that does must also reach the resume hint, which repeats
  // only --config, and results/ keeps the config file as given.
  opt.keys = add_key_flags(sub, pipeline::cv_config_table());
  sub.footer(
      "Each fold is a full training run in <output.cv_dir>/folds/fold_N/; results go to\n"
      "<output.cv_dir>/results/ (fold_metrics.csv, summary.yaml, REPORT.md), the folds' images in\n"
      "<output.cv_dir>/folds/cv_meta.yaml. Running the same command\n"
      "again skips finished folds and resumes an interrupted one. Ctrl-C stops the current fold with a\n"
      "resumable checkpoint (exit 130); a second Ctrl-C quits at once. Encoder weights for\n"
      "model.encoder_weights: imagenet are read from $SEGOID_WEIGHTS_DIR or PyTorch's hub cache (never downloaded).");
}

int run(RunCvOptions& opt) {
  pipeline::CvConfig config = pipeline::load_cv_config(opt.config);
  opt.keys->apply(config);
  pipeline::CvOptions options;
  options.config_path = opt.config;
  options.folds = opt.folds;
  options.force = opt.force;
  options.weights_dir = encoder_weight_dirs();
  options.cache_dir = speed_cache_dir();
  pipeline::CvSummary summary;
  {
    const InterruptGuard guard;  // Ctrl-C: the current fold saves a resumable checkpoint
    options.interrupt = guard.flag();
    summary = pipeline::run_cross_validation(config, options);
  }
  std::cout << "\n" << pipeline::format_cv_summary(summary, config);
  if (summary.interrupted) {
    std::cout << fmt::format("interrupted: finished folds are kept and an interrupted fold resumes from its "
                             "checkpoint; continue with\n  {}\n",
                             summary.resume_command);
    return kInterruptedExitCode;
  }
  return 0;
}

const bool kRegistered = register_command(
    {"run_cv", {"cv"}, "Cross-validate: one full training run per fold (resumable), with per-fold and summary metrics",
     70, options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_run_cv
