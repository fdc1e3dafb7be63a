// SPDX-License-Identifier: MIT
// `segoid run_cv` (alias `cv`): cross-validation, one training run per fold, resumable.
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/pipeline/cross_validation.hpp"

namespace segoid::cli {
namespace {

constexpr int kInterruptedExitCode = 130;  // 128 + SIGINT, as shells report it

std::atomic<bool> g_interrupt{false};

extern "C" void on_sigint(int /*signal*/) {
  g_interrupt.store(true);
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
}

struct RunCvOptions {
  std::filesystem::path config = "configs/cv_config.yaml";
  std::vector<int> folds;
  bool force = false;
};

const bool kRegistered = register_command(
    {"run_cv",
     {"cv"},
     "Cross-validate: one full training run per fold (resumable), with per-fold and summary metrics",
     70,
     [](CLI::App& sub) -> std::function<int()> {
       auto opt = std::make_shared<RunCvOptions>();
       sub.add_option("--config", opt->config, "Cross-validation config (cv: section plus train.yaml sections)")
           ->capture_default_str();
       sub.add_option("--folds", opt->folds, "Run only these 0-based folds, e.g. 0,2 (default: all)")
           ->delimiter(',');
       sub.add_flag("--force", opt->force,
                    "Discard the folds and results already in output.cv_dir (needed when the folds changed)");
       return [opt] {
         const pipeline::CvConfig config = pipeline::load_cv_config(opt->config);
         pipeline::CvOptions options;
         options.config_path = opt->config;
         options.folds = opt->folds;
         options.force = opt->force;
         if (const char* weights = std::getenv("SEGOID_WEIGHTS_DIR")) options.weights_dir = weights;
         options.interrupt = &g_interrupt;
         std::signal(SIGINT, on_sigint);
         const pipeline::CvSummary summary = pipeline::run_cross_validation(config, options);
         std::signal(SIGINT, SIG_DFL);
         std::cout << "\n" << pipeline::format_cv_summary(summary, config);
         if (summary.interrupted) {
           std::cout << fmt::format("interrupted: the current fold saved its state; resume with\n  {}\n",
                                    summary.resume_command);
           return kInterruptedExitCode;
         }
         return 0;
       };
     }});

}  // namespace
}  // namespace segoid::cli
