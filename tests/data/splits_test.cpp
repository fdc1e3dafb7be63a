// SPDX-License-Identifier: MIT
// make_splits: fixed-seed regression assignment, ratio properties, stratification, errors.
#include "segoid/data/splits.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::data {
namespace {

Manifest make_manifest(int n) {
  Manifest manifest;
  manifest.columns = {"basename", "image_path", "mask_path", "mask_coverage"};
  for (int i = 0; i < n; ++i) {
    ManifestRow row;
    row.basename = (i < 10 ? "img0" : "img") + std::to_string(i);
    row.image_path = "images/" + row.basename + ".tif";
    row.mask_path = "masks/" + row.basename + "_mask.tif";
    row.mask_coverage = 0.01 * ((i * 7) % n);  // coverage order differs from name order
    manifest.rows.push_back(row);
  }
  return manifest;
}

std::vector<std::string> names(const Manifest& m) {
  std::vector<std::string> out;
  for (const auto& row : m.rows) out.push_back(row.basename);
  return out;
}

SplitConfig config_with(std::uint64_t seed, Stratify stratify = Stratify::kNone) {
  SplitConfig config;
  config.seed = seed;
  config.stratify = stratify;
  return config;
}

// Regression fixture: the assignment for seed 42 was checked once (counts 6/2/2, all images
// used once; stratified: coverage bins {00,03,06,09,02} and {05,08,01,04,07} each give one val
// and one test image) and is frozen here so that any change of the algorithm or of core::Rng shows up.
TEST(SplitsTest, Seed42AssignmentIsStable) {
  const SplitResult result = make_splits(make_manifest(10), config_with(42));
  EXPECT_EQ(names(result.train), (std::vector<std::string>{"img03", "img05", "img06", "img07", "img08", "img09"}));
  EXPECT_EQ(names(result.val), (std::vector<std::string>{"img01", "img04"}));
  EXPECT_EQ(names(result.test), (std::vector<std::string>{"img00", "img02"}));
  const SplitResult stratified = make_splits(make_manifest(10), config_with(42, Stratify::kCoverage));
  EXPECT_EQ(names(stratified.val), (std::vector<std::string>{"img01", "img03"}));
  EXPECT_EQ(names(stratified.test), (std::vector<std::string>{"img02", "img05"}));
}

TEST(SplitsTest, SameSeedSameSplitWhateverTheInputOrder) {
  Manifest manifest = make_manifest(23);
  const SplitResult a = make_splits(manifest, config_with(7));
  std::reverse(manifest.rows.begin(), manifest.rows.end());
  const SplitResult b = make_splits(manifest, config_with(7));
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(names(a.train)), sorted(names(b.train)));
  EXPECT_EQ(sorted(names(a.test)), sorted(names(b.test)));
  EXPECT_NE(names(make_splits(make_manifest(23), config_with(8)).test), names(a.test));
}

TEST(SplitsTest, EveryImageOnceAndCountsFollowRatios) {
  for (Stratify stratify : {Stratify::kNone, Stratify::kCoverage}) {
    for (int n = 3; n <= 40; ++n) {
      const SplitResult result = make_splits(make_manifest(n), config_with(n, stratify));
      std::set<std::string> all;
      for (const Manifest* part : {&result.train, &result.val, &result.test}) {
        EXPECT_FALSE(part->rows.empty()) << "n=" << n;  // no split empty with >= 3 images
        for (const auto& name : names(*part)) EXPECT_TRUE(all.insert(name).second) << name;
      }
      EXPECT_EQ(static_cast<int>(all.size()), n);
      const std::vector<int> counts = split_counts(n, {0.6, 0.2, 0.2});
      EXPECT_EQ(static_cast<int>(result.train.rows.size()), counts[0]);
      EXPECT_EQ(static_cast<int>(result.val.rows.size()), counts[1]);
      EXPECT_NEAR(result.test.rows.size(), 0.2 * n, 1.0) << "n=" << n;
    }
  }
}

TEST(SplitsTest, SplitCountsRounding) {
  EXPECT_EQ(split_counts(10, {0.6, 0.2, 0.2}), (std::vector<int>{6, 2, 2}));
  EXPECT_EQ(split_counts(6, {0.6, 0.2, 0.2}), (std::vector<int>{4, 1, 1}));
  EXPECT_EQ(split_counts(3, {0.8, 0.1, 0.1}), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(split_counts(2, {0.6, 0.2, 0.2}), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(split_counts(7, {0.5, 0.5, 0.0}), (std::vector<int>{4, 3, 0}));
}

TEST(SplitsTest, CoverageStratificationBalancesEachBin) {
  // 20 images, bins of 5 by coverage: each bin gives 3 train, 1 val, 1 test.
  const Manifest manifest = make_manifest(20);
  const SplitResult result = make_splits(manifest, config_with(3, Stratify::kCoverage));
  for (const Manifest* part : {&result.val, &result.test}) {
    std::vector<int> bins;
    for (const auto& row : part->rows) bins.push_back(static_cast<int>(*row.mask_coverage / 0.05 + 1e-9));
    std::sort(bins.begin(), bins.end());
    EXPECT_EQ(bins, (std::vector<int>{0, 1, 2, 3}));
  }
  Manifest missing = manifest;
  missing.rows[4].mask_coverage.reset();
  EXPECT_THROW(make_splits(missing, config_with(3, Stratify::kCoverage)), DataError);
}

TEST(SplitsTest, BadRatiosAreConfigErrors) {
  SplitConfig config;
  config.ratios = {0.5, 0.2, 0.2};
  EXPECT_THROW(make_splits(make_manifest(5), config), ConfigError);
  config.ratios = {1.2, -0.1, -0.1};
  EXPECT_THROW(make_splits(make_manifest(5), config), ConfigError);
  config.ratios = {0.5, 0.5};
  EXPECT_THROW(make_splits(make_manifest(5), config), ConfigError);
  EXPECT_THROW(parse_stratify("random"), ConfigError);
  EXPECT_THROW(make_splits(Manifest{}, SplitConfig{}), DataError);
}

TEST(SplitsTest, WritesCsvsAndMeta) {
  test::TempDir dir;
  Manifest manifest = make_manifest(10);
  manifest.columns.push_back("plate");
  for (auto& row : manifest.rows) row.extra["plate"] = "P1";
  write_manifest(dir / "all.csv", manifest);
  SplitConfig config;
  config.manifest = dir / "all.csv";
  config.output_dir = dir / "splits";
  const SplitResult result = run_make_splits(config);
  const Manifest train = read_manifest(dir / "splits" / "train.csv");
  EXPECT_EQ(names(train), names(result.train));
  EXPECT_EQ(train.columns, read_manifest(dir / "all.csv").columns);
  const std::string meta = core::read_file(dir / "splits" / "split_meta.yaml");
  EXPECT_NE(meta.find("seed: 42"), std::string::npos) << meta;
  EXPECT_NE(meta.find("train: 0.6"), std::string::npos) << meta;
  EXPECT_NE(meta.find("test: 2"), std::string::npos) << meta;
  EXPECT_NE(meta.find("stratify: none"), std::string::npos) << meta;
}

}  // namespace
}  // namespace segoid::data
