// SPDX-License-Identifier: MIT
// `segoid demo`: the whole pipeline on built-in synthetic plates (what `make demo` runs).
#include <iostream>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "weights_dirs.hpp"
#include "interrupt.hpp"
#include "model_dirs.hpp"
#include "segoid/model/model_names.hpp"
#include "segoid/pipeline/demo.hpp"

namespace segoid::cli::cmd_demo {
namespace {

void declare(CLI::App& sub, pipeline::DemoOptions& o) {
  o.out_dir = "segoid-demo";
  sub.add_option("--out", o.out_dir, "Fresh folder for data, runs, predictions, metrics and the report")
      ->capture_default_str();
  sub.add_flag("--force", o.force, "Replace an existing demo folder");
  sub.add_option("--images", o.images, "Synthetic training and validation images to make")->capture_default_str();
  sub.add_option("--test-images", o.test_images,
                 "Test images made beyond them (mixed: one style per image, 4 of each at 24)")
      ->capture_default_str();
  sub.add_option("--style", o.style,
                 "Synth style of the images: mixed (one style per image), or one style such as flat-well "
                 "(today's 1536x1408 plates; see segoid synth --help)")
      ->capture_default_str();
  sub.add_option("--seed", o.seed, "Seed of every random choice")->capture_default_str();
  sub.add_option("--config", o.config, "Training config instead of the built-in configs/demo.yaml");
  sub.add_option("--epochs", o.epochs, "Override training.epochs");
  sub.add_option("--threads", o.threads, "LibTorch threads (0 = all cores)")->capture_default_str();
}

int run(pipeline::DemoOptions& o) {
  o.weights_dir = encoder_weight_dirs();
  o.cache_dir = speed_cache_dir();
  // Scored beside the demo's own model when the build or install has it.
  o.shipped_model = model::find_model(model::kShippedModelName, model_dirs());
  InterruptGuard guard;
  o.interrupt = guard.flag();
  const pipeline::DemoResult result = pipeline::run_demo(o);
  std::cout << pipeline::format_demo_result(result);
  return 0;
}

const bool kRegistered = register_command(
    {"demo", {}, "Run the whole pipeline on synthetic plates and write a report", 1, options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_demo
