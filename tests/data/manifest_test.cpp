// SPDX-License-Identifier: MIT
// Manifests: typed columns, extra columns kept, malformed rows named by file:line, path policy.
#include "segoid/data/manifest.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::data {
namespace {
namespace fs = std::filesystem;

TEST(ManifestTest, ReadsTypedColumnsAndKeepsExtras) {
  test::TempDir dir;
  core::write_file_atomic(dir / "all.csv",
                          "basename,image_path,mask_path,mask_coverage,object_count,empty_confirmed,operator,"
                          "plate,notes\n"
                          "A01,images/A01.tif,masks/A01_mask.tif,0.125,1,,ana,P1,\"big, round\"\n"
                          "A02,images/A02.tif,masks/A02_mask.tif,0,0,True,ana,P1,\n"
                          "B01,images/B01.tif,,,,,bob,P2,unlabeled\n");
  const Manifest manifest = read_manifest(dir / "all.csv");
  ASSERT_EQ(manifest.rows.size(), 3U);
  const ManifestRow& a01 = manifest.rows[0];
  EXPECT_EQ(a01.basename, "A01");
  EXPECT_DOUBLE_EQ(a01.mask_coverage.value(), 0.125);
  EXPECT_EQ(a01.object_count.value(), 1);
  EXPECT_FALSE(a01.empty_confirmed.has_value());
  EXPECT_EQ(a01.operator_name, "ana");
  EXPECT_EQ(a01.notes, "big, round");
  EXPECT_EQ(a01.extra.at("plate"), "P1");
  EXPECT_TRUE(manifest.rows[1].empty_confirmed.value());
  EXPECT_TRUE(manifest.rows[2].mask_path.empty());
  EXPECT_FALSE(manifest.rows[2].mask_coverage.has_value());
  ASSERT_NE(manifest.find("B01"), nullptr);
  EXPECT_EQ(manifest.find("Z99"), nullptr);

  write_manifest(dir / "again.csv", manifest);
  const std::string text = core::read_file(dir / "again.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "basename,image_path,mask_path,mask_coverage,object_count,mean_diameter,empty_confirmed,date,batch,"
            "operator,notes,plate");
  const Manifest again = read_manifest(dir / "again.csv");
  ASSERT_EQ(again.rows.size(), 3U);
  EXPECT_EQ(again.rows[0].extra.at("plate"), "P1");
  EXPECT_EQ(again.rows[0].notes, "big, round");
  EXPECT_EQ(again.rows[1].empty_confirmed, std::optional<bool>(true));
}

TEST(ManifestTest, NumbersRoundTripExactly) {
  test::TempDir dir;
  Manifest manifest;
  ManifestRow row;
  row.basename = "x";
  row.image_path = "/abs/x.tif";
  row.mask_coverage = 0.1 + 0.2;  // not representable in short decimal
  manifest.rows.push_back(row);
  write_manifest(dir / "m.csv", manifest);
  EXPECT_EQ(read_manifest(dir / "m.csv").rows[0].mask_coverage.value(), 0.1 + 0.2);
  // Every standard column is written, in the standard order, also when listed in another order.
  const std::string first_line = core::read_file(dir / "m.csv").substr(0, core::read_file(dir / "m.csv").find('\n'));
  std::string standard;
  for (const auto& column : standard_manifest_columns()) standard += (standard.empty() ? "" : ",") + column;
  EXPECT_EQ(first_line, standard);
  manifest.columns = {"batch", "basename", "plate"};
  write_manifest(dir / "m.csv", manifest);
  EXPECT_NE(core::read_file(dir / "m.csv").find(standard + ",plate\n"), std::string::npos);
  EXPECT_NE(core::read_file(dir / "m.csv").find(",False,"), std::string::npos);  // pandas' boolean
}

void expect_bad(const std::string& content, const std::string& fragment) {
  test::TempDir dir;
  core::write_file_atomic(dir / "bad.csv", content);
  try {
    read_manifest(dir / "bad.csv");
    FAIL() << "accepted: " << content;
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "bad.csv").string() + ":"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ManifestTest, MalformedRowsNameFileAndLine) {
  expect_bad("image_path\na.tif\n", ":1: missing required column \"basename\"");
  expect_bad("basename,mask_path\na,m.tif\n", ":1: missing required column \"image_path\"");
  expect_bad("basename,image_path\na,a.tif\nb\n", ":3: expected 2 fields");
  expect_bad("basename,image_path,mask_coverage\na,a.tif,lots\n", ":2: column \"mask_coverage\": \"lots\"");
  expect_bad("basename,image_path,mask_coverage\na,a.tif,1.5\n", ":2: column \"mask_coverage\": 1.5 is outside");
  expect_bad("basename,image_path,object_count\na,a.tif,-1\n", ":2: column \"object_count\"");
  expect_bad("basename,image_path,object_count\na,a.tif,2.5\n", ":2: column \"object_count\"");
  expect_bad("basename,image_path,empty_confirmed\na,a.tif,maybe\n", ":2: column \"empty_confirmed\"");
  expect_bad("basename,image_path\na,a.tif\na,b.tif\n", ":3: duplicate basename \"a\" (first on line 2)");
  expect_bad("basename,image_path\n,a.tif\n", ":2: empty basename");
}

TEST(ManifestTest, PandasStyleValuesAreAccepted) {
  test::TempDir dir;
  core::write_file_atomic(dir / "p.csv", "basename,image_path,object_count,empty_confirmed\na,a.tif,3.0,FALSE\n");
  const Manifest manifest = read_manifest(dir / "p.csv");
  EXPECT_EQ(manifest.rows[0].object_count, std::optional<int>(3));
  EXPECT_EQ(manifest.rows[0].empty_confirmed, std::optional<bool>(false));
}

TEST(ManifestTest, ResolveDataPath) {
  EXPECT_EQ(resolve_data_path("/abs/a.tif", "/root"), fs::path("/abs/a.tif"));
  EXPECT_EQ(resolve_data_path("images/a.tif", "/root"), fs::path("/root/images/a.tif"));
  EXPECT_EQ(resolve_data_path("images/a.tif", ""), fs::path("images/a.tif"));
}

}  // namespace
}  // namespace segoid::data
