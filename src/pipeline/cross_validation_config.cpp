// SPDX-License-Identifier: MIT
// cv_config.yaml: the cv-only keys, delegation of the train sections, and the fold assignment.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <numeric>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/pipeline/cross_validation.hpp"

namespace segoid::pipeline {
namespace {

constexpr int kMaxFolds = 100000;

CvStrategy parse_strategy(const core::ConfigNode& node, const std::string& text) {
  node.require_one_of("strategy", text, {"leave_one_out", "k_fold"});
  return text == "k_fold" ? CvStrategy::kKFold : CvStrategy::kLeaveOneOut;
}

}  // namespace

std::string to_string(CvStrategy strategy) {
  return strategy == CvStrategy::kKFold ? "k_fold" : "leave_one_out";
}

CvConfig parse_cv_config(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: not valid YAML: {}", origin, e.what()));
  }
  if (!root.IsMap()) throw ConfigError(origin + ": expected a YAML mapping at the top level");
  if (!root["cv"]) throw ConfigError(origin + ": missing section 'cv' (strategy, source_manifest, seed, n_folds)");

  // Split the document: cv and output.cv_dir are read here, everything else by the train parser,
  // so the shared sections are checked exactly as `segoid train` checks them.
  YAML::Node cv_part(YAML::NodeType::Map);
  cv_part["cv"] = root["cv"];
  root.remove("cv");
  if (root["output"] && root["output"].IsMap() && root["output"]["cv_dir"]) {
    cv_part["output"]["cv_dir"] = root["output"]["cv_dir"];
    root["output"].remove("cv_dir");
    if (root["output"].size() == 0) root.remove("output");
  }
  for (const char* key : {"train_manifest", "val_manifest"}) {
    if (root["data"] && root["data"].IsMap() && root["data"][key]) {
      throw ConfigError(fmt::format("{}: data.{} is set per fold from cv.source_manifest; remove it", origin, key));
    }
  }

  CvConfig config;
  core::ConfigNode node(cv_part, origin, "");
  {
    core::ConfigNode cv = node.section("cv");
    std::string strategy = to_string(config.cv.strategy);
    cv.get("strategy", strategy);
    config.cv.strategy = parse_strategy(cv, strategy);
    std::string manifest = config.cv.source_manifest.string();
    if (cv.get("source_manifest", manifest)) config.cv.source_manifest = manifest;
    cv.get("seed", config.cv.seed);
    cv.get("n_folds", config.cv.n_folds);
    cv.require_range("n_folds", config.cv.n_folds, 2, kMaxFolds);
    if (config.cv.source_manifest.empty()) throw ConfigError(origin + ": cv.source_manifest must not be empty");
  }
  {
    core::ConfigNode output = node.section("output");
    std::string cv_dir = config.cv_dir.string();
    if (output.get("cv_dir", cv_dir)) config.cv_dir = cv_dir;
    if (config.cv_dir.empty()) throw ConfigError(origin + ": output.cv_dir must not be empty");
  }
  node.finish();

  YAML::Emitter rest;
  rest << root;
  config.train = train::parse_train_config(root.size() == 0 ? std::string("{}") : std::string(rest.c_str()), origin);
  return config;
}

CvConfig load_cv_config(const std::filesystem::path& path) {
  return parse_cv_config(core::read_file(path), path.string());
}

std::vector<Fold> assign_folds(const std::vector<std::string>& basenames, CvStrategy strategy, int n_folds,
                               std::uint64_t seed) {
  const int n = static_cast<int>(basenames.size());
  if (n < 2) throw ConfigError(fmt::format("cross-validation needs at least 2 images, got {}", n));
  std::vector<int> order(basenames.size());
  std::iota(order.begin(), order.end(), 0);
  int k = n;
  if (strategy == CvStrategy::kKFold) {
    if (n_folds < 2 || n_folds > n) {
      throw ConfigError(fmt::format("cv.n_folds must be in [2, {}] (the number of images), got {}", n, n_folds));
    }
    k = n_folds;
    core::Rng rng(seed);
    rng.shuffle(order);
  }
  std::vector<int> fold_of(basenames.size());
  for (int f = 0; f < k; ++f) {
    // Integer cut points give group sizes floor(n/k) or ceil(n/k).
    const int begin = static_cast<int>(static_cast<long long>(f) * n / k);
    const int end = static_cast<int>(static_cast<long long>(f + 1) * n / k);
    for (int pos = begin; pos < end; ++pos) fold_of[order[pos]] = f;
  }
  std::vector<Fold> folds(k);
  for (int f = 0; f < k; ++f) folds[f].index = f;
  for (int i = 0; i < n; ++i) {
    for (int f = 0; f < k; ++f) (fold_of[i] == f ? folds[f].validation : folds[f].training).push_back(basenames[i]);
  }
  return folds;
}

}  // namespace segoid::pipeline
