// SPDX-License-Identifier: MIT
// `segoid make_splits` (alias `split`): seeded train/val/test split of a manifest by image.
#include "command_registry.hpp"
#include "segoid/data/splits.hpp"

namespace segoid::cli {
namespace {

const bool kRegistered = register_command({
    "make_splits", {"split"}, "Split all.csv by image into train/val/test.csv (seeded)", 20,
    [](CLI::App& sub) -> std::function<int()> {
      auto config = std::make_shared<data::SplitConfig>();
      auto stratify = std::make_shared<std::string>("none");
      sub.add_option("--manifest", config->manifest, "Input manifest (from validate_dataset)")->required();
      sub.add_option("--output-dir", config->output_dir, "Where train.csv, val.csv, test.csv, split_meta.yaml go")
          ->required();
      sub.add_option("--seed", config->seed, "Random seed; the same seed gives the same split everywhere")
          ->capture_default_str();
      sub.add_option("--ratios", config->ratios, "train,val,test fractions summing to 1")
          ->delimiter(',')
          ->expected(3)
          ->capture_default_str();
      sub.add_option("--stratify", *stratify, "none, or coverage: balance mask coverage across splits")
          ->check(CLI::IsMember({"none", "coverage"}))
          ->capture_default_str();
      return [config, stratify] {
        config->stratify = data::parse_stratify(*stratify);
        data::run_make_splits(*config);
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli
