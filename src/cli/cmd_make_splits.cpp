// SPDX-License-Identifier: MIT
// `segoid make_splits` (alias `split`): seeded train/val/test split of a manifest by image.
#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/splits.hpp"

namespace segoid::cli::cmd_make_splits {
namespace {

struct SplitCliOptions {
  data::SplitConfig config;
  std::string stratify = "none";
  double train_ratio = -1, val_ratio = -1, test_ratio = -1;  // the Python tool's flags; -1 = not given
};

void declare(CLI::App& sub, SplitCliOptions& o) {
  data::SplitConfig& config = o.config;
  sub.add_option("--manifest", config.manifest, "Input manifest (from validate_dataset)")->required();
  sub.add_option("--output-dir", config.output_dir, "Where train.csv, val.csv, test.csv, split_meta.yaml go")
      ->required();
  sub.add_option("--seed", config.seed,
                 "Random seed (0 to 4294967295): NumPy's RandomState, so the same seed gives the Python "
                 "SegOid's split")
      ->capture_default_str();
  auto* ratios = sub.add_option("--ratios", config.ratios, "train,val,test fractions summing to 1")
                     ->delimiter(',')
                     ->expected(3)
                     ->capture_default_str();
  // The Python SegOid's spelling: --train-ratio/--val-ratio/--test-ratio and a bare --stratify.
  auto* train = sub.add_option("--train-ratio", o.train_ratio, "Train fraction (Python SegOid spelling)");
  auto* val = sub.add_option("--val-ratio", o.val_ratio, "Validation fraction (Python SegOid spelling)");
  auto* test = sub.add_option("--test-ratio", o.test_ratio, "Test fraction (Python SegOid spelling)");
  for (auto* single : {train, val, test}) single->excludes(ratios);
  sub.add_option("--stratify", o.stratify,
                 "none or coverage: shuffle and cut each mask-coverage bucket on its own, as the Python "
                 "SegOid; a bare --stratify means coverage. Empty masks form a bucket of their own (the "
                 "Python tool drops them) [none]")
      ->check(CLI::IsMember({"none", "coverage"}))
      ->expected(0, 1);
}

int run(SplitCliOptions& o) {
  data::SplitConfig& c = o.config;
  if (o.train_ratio >= 0 || o.val_ratio >= 0 || o.test_ratio >= 0) {
    const auto pick = [](double given, double fallback) { return given >= 0 ? given : fallback; };
    c.ratios = {pick(o.train_ratio, 0.6), pick(o.val_ratio, 0.2), pick(o.test_ratio, 0.2)};
  }
  c.stratify = data::parse_stratify(o.stratify.empty() ? "coverage" : o.stratify);
  data::run_make_splits(c);
  return 0;
}

const bool kRegistered = register_command({"make_splits", {"split"},
                                           "Split all.csv by image into train/val/test.csv (seeded)", 20,
                                           options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_make_splits
