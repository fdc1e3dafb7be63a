// SPDX-License-Identifier: MIT
// cv_config.yaml: the cv-only keys, delegation of the train sections, and the fold assignment.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <numeric>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/numpy_random.hpp"
#include "segoid/pipeline/cross_validation.hpp"

namespace segoid::pipeline {
namespace {

constexpr int kMaxFolds = 100000;

using core::key;

/// The cv-only keys of cv_config.yaml. Add a key here (see core/config_table.hpp).
const core::ConfigTable<CvConfig>& cv_only_table() {
  static const core::ConfigTable<CvConfig> table = {
      core::enum_key<CvConfig>(
          "cv.strategy", {"leave_one_out", "k_fold"}, [](const CvConfig& c) { return to_string(c.cv.strategy); },
          [](CvConfig& c, const std::string& text) {
            c.cv.strategy = text == "k_fold" ? CvStrategy::kKFold : CvStrategy::kLeaveOneOut;
          })
          .help("leave_one_out: one fold per image; k_fold: n_folds seeded groups"),
      key<CvConfig>("cv.source_manifest", &CvConfig::cv, &CvSection::source_manifest)
          .help("all labelled images (all.csv); folds are cut from it"),
      key<CvConfig>("cv.seed", &CvConfig::cv, &CvSection::seed).range(0, static_cast<double>(core::kNumpyMaxSeed))
          .help("k_fold shuffle seed (NumPy RandomState, as scikit-learn's KFold)"),
      key<CvConfig>("cv.n_folds", &CvConfig::cv, &CvSection::n_folds).range(2, kMaxFolds).help("k_fold only"),
      key<CvConfig>("output.cv_dir", &CvConfig::cv_dir).help("folds/ and results/ go here"),
  };
  return table;
}

}  // namespace

std::string to_string(CvStrategy strategy) {
  return strategy == CvStrategy::kKFold ? "k_fold" : "leave_one_out";
}

const core::ConfigTable<CvConfig>& cv_config_table() {
  static const core::ConfigTable<CvConfig> table = [] {
    core::ConfigTable<CvConfig> train_rows = core::nested_table(train::train_config_table(), &CvConfig::train);
    // The manifests are set per fold from cv.source_manifest.
    train_rows.erase(std::remove_if(train_rows.begin(), train_rows.end(),
                                    [](const core::ConfigKey<CvConfig>& k) {
                                      return k.name == "data.train_manifest" || k.name == "data.val_manifest";
                                    }),
                     train_rows.end());
    return core::merged_tables(std::move(train_rows), cv_only_table());
  }();
  return table;
}

CvConfig parse_cv_config(const std::string& yaml_text, const std::string& origin) {
  core::ConfigNode root = core::ConfigNode::parse(yaml_text, origin);
  if (!root.has("cv")) throw ConfigError(origin + ": missing section 'cv' (strategy, source_manifest, seed, n_folds)");
  for (const char* key : {"train_manifest", "val_manifest"}) {
    if (root.has("data") && root.node()["data"].IsMap() && root.node()["data"][key]) {
      throw ConfigError(fmt::format("{}: data.{} is set per fold from cv.source_manifest; remove it", origin, key));
    }
  }
  // One node: the cv keys and train.yaml's sections are read from it, so the shared sections are
  // checked exactly as `segoid train` checks them.
  CvConfig config;
  core::read_table(root, cv_only_table(), config);
  train::read_train_config(root, config.train);
  root.finish();
  core::validate_table(cv_only_table(), config, origin);
  if (config.cv.source_manifest.empty()) throw ConfigError(origin + ": cv.source_manifest must not be empty");
  if (config.cv_dir.empty()) throw ConfigError(origin + ": output.cv_dir must not be empty");
  train::validate_train_config(config.train, origin);
  return config;
}

CvConfig load_cv_config(const std::filesystem::path& path) {
  return parse_cv_config(core::read_file(path), path.string());
}

std::vector<Fold> assign_folds(const std::vector<std::string>& basenames, CvStrategy strategy, int n_folds,
                               std::uint64_t seed) {
  const int n = static_cast<int>(basenames.size());
  if (n < 2) throw ConfigError(fmt::format("cross-validation needs at least 2 images, got {}", n));
  std::vector<int> fold_of(basenames.size());
  int k = n;
  if (strategy == CvStrategy::kKFold) {
    if (n_folds < 2 || n_folds > n) {
      throw ConfigError(fmt::format("cv.n_folds must be in [2, {}] (the number of images), got {}", n, n_folds));
    }
    // scikit-learn's KFold(n_folds, shuffle=True, random_state=seed), the Python SegOid's: NumPy
    // shuffles the row numbers, then the first n % k folds take n / k + 1 of them, the others n / k.
    k = n_folds;
    std::vector<int> order(basenames.size());
    std::iota(order.begin(), order.end(), 0);
    core::NumpyRandomState(seed).shuffle(order);
    int position = 0;
    for (int f = 0; f < k; ++f) {
      const int size = n / k + (f < n % k ? 1 : 0);
      for (int i = 0; i < size; ++i) fold_of[order[position++]] = f;
    }
  } else {
    std::iota(fold_of.begin(), fold_of.end(), 0);  // leave one out: fold i validates on image i
  }
  std::vector<Fold> folds(k);
  for (int f = 0; f < k; ++f) folds[f].index = f;
  for (int i = 0; i < n; ++i) {
    for (int f = 0; f < k; ++f) (fold_of[i] == f ? folds[f].validation : folds[f].training).push_back(basenames[i]);
  }
  return folds;
}

}  // namespace segoid::pipeline
