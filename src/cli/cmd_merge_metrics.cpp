// SPDX-License-Identifier: MIT
// `segoid merge_metrics`: joins the metric tables of predict_full shards / quantify folders into one.
#include <iostream>

#include "command_registry.hpp"
#include "segoid/analysis/merge_metrics.hpp"

namespace segoid::cli::cmd_merge_metrics {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output_dir;
};

void declare(CLI::App& sub, MergeOptions& o) {
  sub.add_option("folders", o.inputs, "Folders written by predict_full (--shard) or quantify_objects")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--output-dir,-o", o.output_dir, "Folder for the merged tables")->required();
}

int run(MergeOptions& o) {
  analysis::MergeConfig config;
  for (const std::string& input : o.inputs) config.inputs.emplace_back(input);
  config.output_dir = o.output_dir;
  const analysis::MergeResult result = analysis::merge_metrics(config);
  std::cout << analysis::format_merge_result(result, config);
  return 0;
}

const bool kRegistered = register_command(
    {"merge_metrics", {}, "Join pixel_metrics/errors/all_objects/instance_eval tables of shards or folders into one",
     95, options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_merge_metrics
