// SPDX-License-Identifier: MIT
// `segoid sanity_check`: a quick training run with overlays and a GO / NO-GO verdict.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "command_registry.hpp"
#include "weights_dirs.hpp"
#include "interrupt.hpp"
#include "segoid/pipeline/sanity_check.hpp"

namespace segoid::cli {
namespace {

struct SanityCliOptions {
  std::string config = "configs/sanity_check.yaml";
  pipeline::SanityOverrides overrides;
};

const bool kRegistered = register_command({
    "sanity_check", {"sanity"}, "Quick training run with overlays and a GO / NO-GO verdict (phase 1.5)", 30,
    [](CLI::App& sub) -> std::function<int()> {
      auto opts = std::make_shared<SanityCliOptions>();
      auto& o = opts->overrides;
      sub.add_option("--config", opts->config, "Sanity-check config (train.yaml sections + exit_criteria)")
          ->capture_default_str();
      sub.add_option("--train-manifest", o.train_manifest, "Override data.train_manifest");
      sub.add_option("--val-manifest", o.val_manifest, "Override data.val_manifest");
      sub.add_option("--patches-per-image", o.patches_per_image, "Override dataset.patches_per_image");
      sub.add_option("--patch-size", o.patch_size, "Override dataset.patch_size (px, multiple of 32)");
      sub.add_option("--epochs", o.epochs, "Override training.epochs");
      sub.add_option("--batch-size", o.batch_size, "Override training.batch_size");
      sub.add_option("--learning-rate", o.learning_rate, "Override training.learning_rate");
      sub.add_option("--output-dir", o.output_dir, "Override output.run_dir");
      sub.add_option("--num-workers", o.num_workers, "Override training.num_workers");
      sub.add_flag("--force", o.force, "Replace an earlier sanity check in the output folder");
      return [opts] {
        opts->overrides.weights_dir = encoder_weight_dirs();
        InterruptGuard guard;
        opts->overrides.interrupt = guard.flag();
        const pipeline::SanityResult result = pipeline::run_sanity_check(opts->config, opts->overrides);
        std::cout << pipeline::format_sanity_result(result);
        return result.go ? 0 : 1;
      };
    }});

}  // namespace
}  // namespace segoid::cli
