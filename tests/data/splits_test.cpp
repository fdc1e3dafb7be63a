// SPDX-License-Identifier: MIT
// make_splits: the Python SegOid's splits (pandas/NumPy fixtures), coverage buckets, errors, files.
#include "segoid/data/splits.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "numpy_split_fixtures.hpp"
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

std::vector<std::string> names_of_rows(const std::vector<std::int64_t>& rows) {
  std::vector<std::string> out;
  for (std::int64_t row : rows) out.push_back("img" + std::to_string(row));
  return out;
}

// The Python SegOid's make_splits, computed by pandas in /usr/bin/python3 (fixture script), for
// many sizes, seeds, ratios and coverages: the same members in the same order; with --stratify,
// the rows Python keeps split exactly as in Python and the empty-mask rows as their own bucket.
TEST(SplitsTest, SameSplitsAsThePythonSegOid) {
  const auto records = test::numpy_split_records("split");
  ASSERT_GE(records.size(), 100u);
  int with_unbinned = 0;
  for (const auto& r : records) {
    const std::uint64_t seed = std::stoull(r[0]);
    const bool stratify = r[1] == "1";
    const std::vector<double> ratios = test::fixture_doubles(r[2]);
    const std::vector<double> coverage = test::fixture_doubles(r[3]);
    if (coverage.empty()) continue;  // no rows: a DataError, tested below
    Manifest manifest;
    manifest.columns = {"basename", "image_path", "mask_coverage"};
    for (std::size_t i = 0; i < coverage.size(); ++i) {
      ManifestRow row;
      row.basename = "img" + std::to_string(i);
      row.image_path = "images/" + row.basename + ".tif";
      row.mask_coverage = coverage[i];
      manifest.rows.push_back(row);
    }
    SplitConfig config = config_with(seed, stratify ? Stratify::kCoverage : Stratify::kNone);
    config.ratios = ratios;
    const SplitResult result = make_splits(manifest, config);
    const std::string where = "seed " + r[0] + " stratify " + r[1] + " ratios " + r[2] + " coverage " + r[3];
    const Manifest* parts[3] = {&result.train, &result.val, &result.test};
    for (int k = 0; k < 3; ++k) {
      // SegOid's fix; and the same without the rows Python drops.
      EXPECT_EQ(names(*parts[k]), names_of_rows(test::fixture_ints(r[7 + k]))) << where;
      std::vector<std::string> kept;
      for (const ManifestRow& row : parts[k]->rows) {
        if (!stratify || coverage_bucket(row.mask_coverage) >= 0) kept.push_back(row.basename);
      }
      EXPECT_EQ(kept, names_of_rows(test::fixture_ints(r[4 + k]))) << where;
    }
    with_unbinned += stratify && r[4] + r[5] + r[6] != r[7] + r[8] + r[9];
  }
  EXPECT_GT(with_unbinned, 10);  // the fixture exercises the zero-coverage fix
}

TEST(SplitsTest, SixImagesGiveThreeOneTwo) {
  EXPECT_EQ(split_counts(6, {0.6, 0.2, 0.2}), (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(split_counts(10, {0.6, 0.2, 0.2}), (std::vector<int>{6, 2, 2}));
  EXPECT_EQ(split_counts(2, {0.6, 0.2, 0.2}), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(split_counts(7, {0.5, 0.5, 0.0}), (std::vector<int>{3, 3, 1}));  // int() truncates, test takes the rest
  const SplitResult result = make_splits(make_manifest(6), config_with(42));
  EXPECT_EQ(result.train.rows.size(), 3u);
  EXPECT_EQ(result.val.rows.size(), 1u);
  EXPECT_EQ(result.test.rows.size(), 2u);
}

TEST(SplitsTest, CoverageBucketsArePandasCutBins) {
  EXPECT_EQ(coverage_bucket(0.0), -1);
  EXPECT_EQ(coverage_bucket(std::nullopt), -1);
  EXPECT_EQ(coverage_bucket(1e-9), 0);
  EXPECT_EQ(coverage_bucket(0.01), 0);  // right-closed
  EXPECT_EQ(coverage_bucket(0.0100001), 1);
  EXPECT_EQ(coverage_bucket(0.1), 1);
  EXPECT_EQ(coverage_bucket(0.5), 2);
  EXPECT_EQ(coverage_bucket(1.0), 3);
  EXPECT_EQ(coverage_bucket(1.5), -1);
}

TEST(SplitsTest, SeedAboveNumpysRangeIsAConfigError) {
  EXPECT_THROW(make_splits(make_manifest(5), config_with(std::uint64_t{1} << 32)), ConfigError);
  EXPECT_NO_THROW(make_splits(make_manifest(5), config_with((std::uint64_t{1} << 32) - 1)));
}

TEST(SplitsTest, BadRatiosAreConfigErrors) {
  SplitConfig config;
  config.ratios = {0.5, 0.2, 0.2};
  EXPECT_THROW(make_splits(make_manifest(5), config), ConfigError);
  config.ratios = {0.6, 0.2, 0.20002};  // numpy.isclose: 1e-5 relative is accepted, 2e-5 not
  EXPECT_THROW(make_splits(make_manifest(5), config), ConfigError);
  config.ratios = {0.6, 0.2, 0.200005};
  EXPECT_NO_THROW(make_splits(make_manifest(5), config));
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
