// SPDX-License-Identifier: MIT
// make_splits: the Python SegOid's seeded split by image (NumPy RandomState), optionally per coverage bucket.
#include "segoid/data/splits.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/enum_words.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/numpy_random.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/data/contract.hpp"

namespace segoid::data {
namespace fs = std::filesystem;
namespace {

constexpr int kSplits = 3;
const char* const kSplitNames[kSplits] = {"train", "val", "test"};
/// pandas.cut's bin edges in the Python SegOid's --stratify.
constexpr double kCoverageEdges[] = {0.0, 0.01, 0.1, 0.5, 1.0};
constexpr int kUnbinned = -1;

void check_ratios(const std::vector<double>& ratios) {
  if (ratios.size() != kSplits) {
    throw ConfigError("--ratios needs 3 values (train,val,test), got " + std::to_string(ratios.size()));
  }
  double sum = 0.0;
  for (double r : ratios) {
    if (!(r >= 0.0) || !std::isfinite(r)) throw ConfigError(fmt::format("--ratios must be non-negative, got {}", r));
    sum += r;
  }
  // numpy.isclose(sum, 1.0), the Python tool's check: |sum - 1| <= atol + rtol * 1.
  constexpr double kAtol = 1e-8, kRtol = 1e-5;
  if (std::abs(sum - 1.0) > kAtol + kRtol) throw ConfigError(fmt::format("--ratios must sum to 1, got {:.6g}", sum));
}

/// Shuffles `rows` (indices into the manifest) as DataFrame.sample(frac=1, random_state=seed)
/// and appends the cut to `parts`.
void shuffle_and_cut(const std::vector<int>& rows, const SplitConfig& config, std::vector<int> (&parts)[kSplits]) {
  core::NumpyRandomState state(config.seed);
  const std::vector<std::int64_t> order = state.permutation(static_cast<std::int64_t>(rows.size()));
  const std::vector<int> counts = split_counts(static_cast<int>(rows.size()), config.ratios);
  for (std::size_t position = 0; position < order.size(); ++position) {
    const int part = static_cast<int>(position) < counts[0] ? 0 : static_cast<int>(position) < counts[0] + counts[1] ? 1 : 2;
    parts[part].push_back(rows[static_cast<std::size_t>(order[position])]);
  }
}

}  // namespace

const core::EnumWords<Stratify> kStratifyWords{{Stratify::kNone, "none"}, {Stratify::kCoverage, "coverage"}};
std::string to_string(Stratify stratify) { return kStratifyWords.word(stratify); }
Stratify parse_stratify(const std::string& text) { return kStratifyWords.parse(text, "--stratify"); }

std::vector<int> split_counts(int n, const std::vector<double>& ratios) {
  check_ratios(ratios);
  const int train = static_cast<int>(n * ratios[0]);
  const int val = static_cast<int>(n * ratios[1]);
  return {train, val, n - train - val};
}

int coverage_bucket(const std::optional<double>& coverage) {
  if (!coverage) return kUnbinned;
  for (int bucket = 0; bucket + 1 < static_cast<int>(std::size(kCoverageEdges)); ++bucket) {
    if (*coverage > kCoverageEdges[bucket] && *coverage <= kCoverageEdges[bucket + 1]) return bucket;
  }
  return kUnbinned;  // 0 (an empty mask), above 1, NaN
}

SplitResult make_splits(const Manifest& manifest, const SplitConfig& config) {
  check_ratios(config.ratios);
  if (manifest.rows.empty()) throw DataError("cannot split \"" + config.manifest.string() + "\": no rows");
  const int n = static_cast<int>(manifest.rows.size());
  std::vector<int> parts[kSplits];
  if (config.stratify == Stratify::kNone) {
    std::vector<int> all(n);
    std::iota(all.begin(), all.end(), 0);
    shuffle_and_cut(all, config, parts);
  } else {
    // Buckets in the order they first appear, as pandas' Series.unique() lists them.
    std::vector<int> bucket_order;
    std::map<int, std::vector<int>> members;
    for (int row = 0; row < n; ++row) {
      const int bucket = coverage_bucket(manifest.rows[row].mask_coverage);
      if (members[bucket].empty()) bucket_order.push_back(bucket);
      members[bucket].push_back(row);
    }
    if (members.count(kUnbinned)) {
      spdlog::info("--stratify: {} image(s) with coverage 0 or none split as a group of their own (the Python "
                   "SegOid leaves them out)",
                   members[kUnbinned].size());
    }
    for (int bucket : bucket_order) shuffle_and_cut(members[bucket], config, parts);
  }

  SplitResult result;
  Manifest* out[kSplits] = {&result.train, &result.val, &result.test};
  for (int k = 0; k < kSplits; ++k) {
    out[k]->columns = manifest.columns;
    for (int row : parts[k]) out[k]->rows.push_back(manifest.rows[row]);
  }
  for (int k = 0; k < kSplits; ++k) {
    if (config.ratios[k] > 0.0 && out[k]->rows.empty()) spdlog::warn("{} images: the {} split is empty", n, kSplitNames[k]);
  }
  return result;
}

SplitResult run_make_splits(const SplitConfig& config) {
  const Manifest manifest = read_manifest(config.manifest);
  const SplitResult result = make_splits(manifest, config);
  const Manifest* parts[kSplits] = {&result.train, &result.val, &result.test};
  YAML::Emitter yaml;
  yaml.SetDoublePrecision(15);  // 0.6, not 0.59999999999999998
  yaml << YAML::BeginMap;
  core::emit_provenance(yaml, /*with_time=*/false);  // identical on every platform: no time
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
