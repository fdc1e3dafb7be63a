// SPDX-License-Identifier: MIT
// `segoid quantify_objects` (alias `quantify`): per-object measurements and detection scores.
#include <iostream>

#include "command_registry.hpp"
#include "key_flags.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/report/quantify_report.hpp"

namespace segoid::cli {
namespace {

struct QuantifyOptions {
  std::string config;
  bool no_plots = false;
};

const bool kRegistered = register_command({
    "quantify_objects",
    {"quantify"},
    "Measure predicted objects (regionprops) and score detection against ground truth",
    60,
    [](CLI::App& sub) -> std::function<int()> {
      auto opts = std::make_shared<QuantifyOptions>();
      sub.add_option("--config", opts->config, "YAML config (configs/quantify.yaml); flags override it")
          ->check(CLI::ExistingFile);
      const auto keys = add_key_flags(sub, analysis::quantify_config_table());
      // output.generate_plots as a negative switch.
      auto* plots = sub.add_flag("--no-plots", opts->no_plots, "Do not write plots/");
      return [=] {
        analysis::QuantifyConfig config;
        if (!opts->config.empty()) config = analysis::load_quantify_config(opts->config);
        keys->apply(config);
        if (plots->count()) config.generate_plots = false;
        const analysis::QuantifySummary summary = report::run_quantify_report(config);
        std::cout << analysis::format_quantify_summary(summary);
        return summary.failures.empty() ? 0 : 1;
      };
    }});

}  // namespace
}  // namespace segoid::cli
