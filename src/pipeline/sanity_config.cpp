// SPDX-License-Identifier: MIT
// sanity_check.yaml: the criteria's rows beside train.yaml's, read from one node (no YAML round trip).
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/pipeline/sanity_check.hpp"

namespace segoid::pipeline {
namespace {

using core::key;
using S = SanityConfig;
using K = SanityCriteria;
constexpr double kNoLimit = 1e9;

/// The sanity check's own keys. Add a key here (see core/config_table.hpp).
const core::ConfigTable<S>& criteria_table() {
  static const core::ConfigTable<S> table = {
      key<S>("data.data_fraction", &S::criteria, &K::data_fraction).range(1e-6, 1.0)
          .help("share of the training images used (at least 5 are kept)"),
      key<S>("output.save_overlays", &S::criteria, &K::save_overlays)
          .help("overlays/<name>_overlay.png: truth green, prediction red"),
      key<S>("output.num_overlay_samples", &S::criteria, &K::num_overlay_samples).range(0, kNoLimit).or_null(-1)
          .help("validation images with an overlay; null = all"),
      key<S>("exit_criteria.min_dice_improvement", &S::criteria, &K::min_dice_improvement)
          .help("GO needs the final validation Dice above this"),
      key<S>("exit_criteria.spatial_coherence_threshold", &S::criteria, &K::spatial_coherence_threshold).range(0, 1)
          .help("GO needs the final validation Dice (over validation patches, as the Python tool) above this"),
      key<S>("exit_criteria.max_centroid_shift_px", &S::criteria, &K::max_centroid_shift_px).range(0, kNoLimit)
          .help("GO needs the mean matched-object centroid offset below this, pixels"),
  };
  return table;
}

}  // namespace

const core::ConfigTable<SanityConfig>& sanity_config_table() {
  static const core::ConfigTable<S> table =
      core::merged_tables(core::nested_table(train::train_config_table(), &S::train), criteria_table());
  return table;
}

SanityConfig load_sanity_config(const std::filesystem::path& path) {
  core::ConfigNode root = core::ConfigNode::load(path);
  SanityConfig config;
  train::read_train_config(root, config.train);
  core::read_table(root, criteria_table(), config);
  root.finish();
  core::validate_table(criteria_table(), config, path.string());
  train::validate_train_config(config.train, path.string());
  return config;
}

}  // namespace segoid::pipeline
