// SPDX-License-Identifier: MIT
// `segoid quantify_objects` (alias `quantify`): per-object measurements and detection scores.
#include <iostream>

#include "command_registry.hpp"
#include "key_flags.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/report/quantify_report.hpp"

namespace segoid::cli::cmd_quantify_objects {
namespace {

struct QuantifyOptions {
  std::string config;
  bool no_plots = false;
  std::shared_ptr<KeyFlags<analysis::QuantifyConfig>> keys;
};

void declare(CLI::App& sub, QuantifyOptions& o) {
  sub.add_option("--config", o.config, "YAML config (configs/quantify.yaml); flags override it")
      ->check(CLI::ExistingFile);
  o.keys = add_key_flags(sub, analysis::quantify_config_table());
  // output.generate_plots as a negative switch.
  sub.add_flag("--no-plots", o.no_plots, "Do not write plots/");
}

int run(QuantifyOptions& o) {
  analysis::QuantifyConfig config;
  if (!o.config.empty()) config = analysis::load_quantify_config(o.config);
  o.keys->apply(config);
  if (o.no_plots) config.generate_plots = false;
  const analysis::QuantifySummary summary = report::run_quantify_report(config);
  std::cout << analysis::format_quantify_summary(summary);
  return summary.failures.empty() ? 0 : 1;
}

const bool kRegistered = register_command(
    {"quantify_objects", {"quantify"}, "Measure predicted objects (regionprops) and score detection against ground truth",
     60, options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_quantify_objects
