// SPDX-License-Identifier: MIT
// make_splits: seeded train/val/test assignment by image, optionally stratified by coverage.
#include "segoid/data/splits.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/core/version.hpp"
#include "segoid/data/contract.hpp"

namespace segoid::data {
namespace fs = std::filesystem;
namespace {

constexpr int kSplits = 3;
constexpr double kRatioTolerance = 1e-6;
const char* const kSplitNames[kSplits] = {"train", "val", "test"};

void check_ratios(const std::vector<double>& ratios) {
  if (ratios.size() != kSplits) {
    throw ConfigError("--ratios needs 3 values (train,val,test), got " + std::to_string(ratios.size()));
  }
  double sum = 0.0;
  for (double r : ratios) {
    if (!(r >= 0.0) || !std::isfinite(r)) throw ConfigError(fmt::format("--ratios must be non-negative, got {}", r));
    sum += r;
  }
  if (std::abs(sum - 1.0) > kRatioTolerance) {
    throw ConfigError(fmt::format("--ratios must sum to 1, got {:.6g}", sum));
  }
}

/// Labels 0/1/2 for n positions with exactly counts[k] of label k, interleaved: position i takes
/// the label whose quota counts[k] * (i + 1) / n is furthest ahead of what it has got so far.
std::vector<int> interleaved_labels(const std::vector<int>& counts) {
  const int n = std::accumulate(counts.begin(), counts.end(), 0);
  std::vector<int> labels;
  std::vector<int> given(kSplits, 0);
  for (int i = 0; i < n; ++i) {
    int best = -1;
    double best_deficit = 0.0;
    for (int k = 0; k < kSplits; ++k) {
      if (given[k] >= counts[k]) continue;
      const double deficit = static_cast<double>(counts[k]) * (i + 1) / n - given[k];
      if (best < 0 || deficit > best_deficit + 1e-12) {
        best = k;
        best_deficit = deficit;
      }
    }
    labels.push_back(best);
    ++given[best];
  }
  return labels;
}

}  // namespace

std::string to_string(Stratify stratify) { return stratify == Stratify::kNone ? "none" : "coverage"; }

Stratify parse_stratify(const std::string& text) {
  if (text == "none") return Stratify::kNone;
  if (text == "coverage") return Stratify::kCoverage;
  throw ConfigError("unknown --stratify \"" + text + "\": expected \"none\" or \"coverage\"");
}

std::vector<int> split_counts(int n, const std::vector<double>& ratios) {
  check_ratios(ratios);
  std::vector<int> counts(kSplits);
  std::vector<std::pair<double, int>> remainders;
  int assigned = 0;
  for (int k = 0; k < kSplits; ++k) {
    const double exact = n * ratios[k];
    counts[k] = static_cast<int>(std::floor(exact + 1e-9));
    assigned += counts[k];
    remainders.emplace_back(exact - counts[k], k);
  }
  // Largest remainder first; stable sort keeps train before val before test on ties.
  std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int i = 0; assigned < n; ++i, ++assigned) ++counts[remainders[i % kSplits].second];
  const int positive = static_cast<int>(std::count_if(ratios.begin(), ratios.end(), [](double r) { return r > 0.0; }));
  if (n >= positive) {
    for (int k = 0; k < kSplits; ++k) {
      if (ratios[k] > 0.0 && counts[k] == 0) {
        const auto largest = std::max_element(counts.begin(), counts.end()) - counts.begin();
        --counts[largest];
        ++counts[k];
      }
    }
  }
  return counts;
}

SplitResult make_splits(const Manifest& manifest, const SplitConfig& config) {
  check_ratios(config.ratios);
  if (manifest.rows.empty()) throw DataError("cannot split \"" + config.manifest.string() + "\": no rows");
  const int n = static_cast<int>(manifest.rows.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto& rows = manifest.rows;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return rows[a].basename < rows[b].basename; });
  const std::vector<int> counts = split_counts(n, config.ratios);
  core::Rng rng(config.seed);
  std::vector<int> label_of(n);  // split of row index

  if (config.stratify == Stratify::kNone) {
    rng.shuffle(order);
    for (int i = 0; i < n; ++i) label_of[order[i]] = i < counts[0] ? 0 : i < counts[0] + counts[1] ? 1 : 2;
  } else {
    for (const auto& row : rows) {
      if (!row.mask_coverage) {
        throw DataError("cannot stratify \"" + config.manifest.string() + "\" by coverage: \"" + row.basename +
                        "\" has no mask_coverage (run validate_dataset first)");
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return *rows[a].mask_coverage < *rows[b].mask_coverage; });
    double smallest = 1.0;
    for (double r : config.ratios) {
      if (r > 0.0) smallest = std::min(smallest, r);
    }
    const int bin = std::max(1, static_cast<int>(std::ceil(1.0 / smallest - 1e-9)));
    const std::vector<int> labels = interleaved_labels(counts);
    for (int start = 0; start < n; start += bin) {
      std::vector<int> members(order.begin() + start, order.begin() + std::min(n, start + bin));
      rng.shuffle(members);
      for (std::size_t j = 0; j < members.size(); ++j) label_of[members[j]] = labels[start + j];
    }
  }

  SplitResult result;
  Manifest* parts[kSplits] = {&result.train, &result.val, &result.test};
  for (Manifest* part : parts) part->columns = manifest.columns;
  for (int i = 0; i < n; ++i) parts[label_of[i]]->rows.push_back(rows[i]);
  if (n < kSplits) spdlog::warn("only {} images: some splits are empty", n);
  return result;
}

SplitResult run_make_splits(const SplitConfig& config) {
  const Manifest manifest = read_manifest(config.manifest);
  const SplitResult result = make_splits(manifest, config);
  const Manifest* parts[kSplits] = {&result.train, &result.val, &result.test};
  YAML::Emitter yaml;
  yaml.SetDoublePrecision(15);  // 0.6, not 0.59999999999999998
  yaml << YAML::BeginMap;
  yaml << YAML::Key << "segoid_version" << YAML::Value << core::version();
  yaml << YAML::Key << "git_hash" << YAML::Value << core::git_hash();
  yaml << YAML::Key << "manifest" << YAML::Value << config.manifest.generic_string();
  yaml << YAML::Key << "seed" << YAML::Value << config.seed;
  yaml << YAML::Key << "stratify" << YAML::Value << to_string(config.stratify);
  yaml << YAML::Key << "ratios" << YAML::Value << YAML::BeginMap;
  for (int k = 0; k < kSplits; ++k) yaml << YAML::Key << kSplitNames[k] << YAML::Value << config.ratios[k];
  yaml << YAML::EndMap << YAML::Key << "counts" << YAML::Value << YAML::BeginMap;
  for (int k = 0; k < kSplits; ++k) yaml << YAML::Key << kSplitNames[k] << YAML::Value << parts[k]->rows.size();
  yaml << YAML::EndMap << YAML::Key << "basenames" << YAML::Value << YAML::BeginMap;
  for (int k = 0; k < kSplits; ++k) {
    yaml << YAML::Key << kSplitNames[k] << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& row : parts[k]->rows) yaml << row.basename;
    yaml << YAML::EndSeq;
  }
  yaml << YAML::EndMap << YAML::EndMap;
  if (fs::exists(config.output_dir / contract::kTrainCsv)) {
    spdlog::info("replacing the split in \"{}\"", config.output_dir.string());
  }
  const char* const files[kSplits] = {contract::kTrainCsv, contract::kValCsv, contract::kTestCsv};
  for (int k = 0; k < kSplits; ++k) write_manifest(config.output_dir / files[k], *parts[k]);
  core::write_file_atomic(config.output_dir / contract::kSplitMetaYaml, std::string(yaml.c_str()) + "\n");
  spdlog::info("split {} images: train {}, val {}, test {} (seed {}, stratify {}) -> {}", 
               manifest.rows.size(), result.train.rows.size(), result.val.rows.size(), result.test.rows.size(),
               config.seed, to_string(config.stratify), config.output_dir.string());
  return result;
}

}  // namespace segoid::data
