// SPDX-License-Identifier: MIT
// `segoid demo_plate`: a synthetic assay with known answers through the pipeline (`make demo-plate`).
#include <iostream>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "segoid/pipeline/plate_demo.hpp"

namespace segoid::cli::cmd_demo_plate {
namespace {

struct DemoPlateOptions {
  pipeline::PlateDemoOptions demo;
  bool small = false;
};

void declare(CLI::App& sub, DemoPlateOptions& o) {
  o.demo.out_dir = "segoid-demo-plate";
  sub.add_option("--model", o.demo.model, "Checkpoint that segments the spheroids")->required();
  sub.add_option("--out", o.demo.out_dir, "Folder for the assay, predictions, metrics and plate summary")
      ->capture_default_str();
  sub.add_flag("--force", o.demo.force, "Replace the outputs of an earlier run in --out");
  sub.add_flag("--small", o.small, "A smaller assay (18 wells x 3 time points, 320 px) for a quick run");
  sub.add_option("--seed", o.demo.assay.seed, "Seed of the assay's looks")->capture_default_str();
  sub.add_option("--threads", o.demo.threads, "LibTorch threads (0 = all cores)")->capture_default_str();
}

int run(DemoPlateOptions& o) {
  pipeline::PlateDemoOptions demo = o.demo;
  if (o.small) {
    const std::uint64_t seed = demo.assay.seed;
    demo.assay = pipeline::small_assay();
    demo.assay.seed = seed;
  }
  demo.cache_dir = speed_cache_dir();
  const pipeline::PlateDemoResult result = pipeline::run_plate_demo(demo);
  std::cout << pipeline::format_plate_demo(result);
  return 0;
}

const bool kRegistered = register_command(
    {"demo_plate", {}, "Synthetic plate assay -> predict -> quantify -> plate_summary, against the known IC50s", 2,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_demo_plate
