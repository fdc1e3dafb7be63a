// SPDX-License-Identifier: MIT
// `segoid sanity_check`: a quick training run with overlays and a GO / NO-GO verdict.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "weights_dirs.hpp"
#include "interrupt.hpp"
#include "key_flags.hpp"
#include "segoid/pipeline/sanity_check.hpp"

namespace segoid::cli::cmd_sanity_check {
namespace {

struct SanityCliOptions {
  std::string config = "configs/sanity_check.yaml";
  pipeline::SanityOptions options;
  std::shared_ptr<KeyFlags<pipeline::SanityConfig>> keys;
};

void declare(CLI::App& sub, SanityCliOptions& opts) {
  sub.add_option("--config", opts.config, "Sanity-check config (train.yaml sections + exit_criteria)")
      ->capture_default_str();
  opts.keys = add_key_flags(sub, pipeline::sanity_config_table());
  sub.add_flag("--force", opts.options.force,
               "Replace a non-empty output folder that is not an earlier sanity check (an earlier sanity "
               "check there is always replaced)");
}

int run(SanityCliOptions& opts) {
  pipeline::SanityConfig config = pipeline::load_sanity_config(opts.config);
  opts.keys->apply(config);
  opts.options.weights_dir = encoder_weight_dirs();
  opts.options.cache_dir = speed_cache_dir();
  InterruptGuard guard;
  opts.options.interrupt = guard.flag();
  const pipeline::SanityResult result = pipeline::run_sanity_check(config, opts.config, opts.options);
  std::cout << pipeline::format_sanity_result(result);
  return result.go ? 0 : 1;
}

const bool kRegistered = register_command(
    {"sanity_check", {"sanity"}, "Quick training run with overlays and a GO / NO-GO verdict (phase 1.5)", 30,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_sanity_check
