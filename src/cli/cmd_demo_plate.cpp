// SPDX-License-Identifier: MIT
// `segoid demo_plate`: a synthetic assay with known answers through the pipeline (`make demo-plate`).
#include <iostream>
#include <memory>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "segoid/pipeline/plate_demo.hpp"

namespace segoid::cli {
namespace {

struct DemoPlateOptions {
  pipeline::PlateDemoOptions demo;
  bool small = false;
};

const bool kRegistered = register_command({
    "demo_plate", {}, "Synthetic plate assay -> predict -> quantify -> plate_summary, against the known IC50s", 2,
    [](CLI::App& sub) -> std::function<int()> {
      auto opts = std::make_shared<DemoPlateOptions>();
      opts->demo.out_dir = "segoid-demo-plate";
      sub.add_option("--model", opts->demo.model, "Checkpoint that segments the spheroids")->required();
      sub.add_option("--out", opts->demo.out_dir, "Folder for the assay, predictions, metrics and plate summary")
          ->capture_default_str();
      sub.add_flag("--force", opts->demo.force, "Replace the outputs of an earlier run in --out");
      sub.add_flag("--small", opts->small, "A smaller assay (18 wells x 3 time points, 320 px) for a quick run");
      sub.add_option("--seed", opts->demo.assay.seed, "Seed of the assay's looks")->capture_default_str();
      sub.add_option("--threads", opts->demo.threads, "LibTorch threads (0 = all cores)")->capture_default_str();
      return [opts] {
        pipeline::PlateDemoOptions demo = opts->demo;
        if (opts->small) {
          const std::uint64_t seed = demo.assay.seed;
          demo.assay = pipeline::small_assay();
          demo.assay.seed = seed;
        }
        demo.cache_dir = speed_cache_dir();
        const pipeline::PlateDemoResult result = pipeline::run_plate_demo(demo);
        std::cout << pipeline::format_plate_demo(result);
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli
