// SPDX-License-Identifier: MIT
// Tests of review items and the persisted review session.
#include "segoid/review/review_state.hpp"

#include <gtest/gtest.h>

#include "review_fixture.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"
#include "test_support.hpp"

namespace segoid::review {
namespace {
namespace fs = std::filesystem;

TEST(ReviewStateTest, PairsImagesWithPredictionsAndSkipsThoseWithout) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"B", "A"}, {0.4f});
  io::write_mask_tiff(dir / "images/C.tif", test::two_object_mask());  // no prediction
  const auto items = find_review_items(dir / "images", dir / "pred");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].basename, "A");
  EXPECT_EQ(items[1].basename, "B");
  EXPECT_EQ(items[1].prob_path, dir / "pred/B_pred_prob.tif");
  EXPECT_TRUE(items[0].prob_path.empty());
  EXPECT_EQ(items[0].mask_path, dir / "pred/A_pred_mask.tif");
}

TEST(ReviewStateTest, NoPredictionAtAllNamesTheFolder) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A"}, {});
  fs::create_directories(dir / "empty");
  try {
    find_review_items(dir / "images", dir / "empty");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "empty").string()), std::string::npos) << e.what();
  }
}

TEST(ReviewStateTest, ManifestRowsResolveUnderTheDataRoot) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B"}, {});
  core::write_file_atomic(dir / "m.csv", "basename,image_path\nB,images/B.tif\nA,images/A.tif\n");
  const auto items = find_review_items_in_manifest(dir / "m.csv", dir.path(), dir / "pred");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].basename, "B");
  EXPECT_EQ(items[0].image_path, dir / "images/B.tif");
}

TEST(ReviewStateTest, FlagsAreWrittenInAllThreeFilesAndRestored) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B", "C"}, {});
  const ReviewPaths paths{dir / "session.json", dir / "flagged.txt", dir / "flagged.csv"};
  ReviewSession session(find_review_items(dir / "images", dir / "pred"), paths);
  session.entry(0).reviewed = true;
  session.entry(1).flagged = true;
  session.entry(1).reason = "missed_spheroid";
  session.entry(1).reviewer = "ana";
  session.entry(1).timestamp = "2026-12-01T08:00:00Z";
  session.entry(2).edits_json = R"([{"op":"reject","x":1,"y":2}])";
  session.save();
  EXPECT_EQ(core::read_file(paths.flagged_list), "B\n");  // stems, as the Python SegOid
  const io::CsvTable csv = io::read_csv(paths.flagged_csv);
  EXPECT_EQ(csv.header, flagged_csv_columns());
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.rows[0], (std::vector<std::string>{(dir / "images/B.tif").string(), (dir / "pred/B_pred_mask.tif").string(),
                                                   "missed_spheroid", "ana", "2026-12-01T08:00:00Z"}));
  const ReviewCounts counts = session.counts();
  EXPECT_EQ(counts.good, 1);
  EXPECT_EQ(counts.flagged, 1);
  EXPECT_EQ(counts.unreviewed, 1);

  ReviewSession again(find_review_items(dir / "images", dir / "pred"), paths);
  EXPECT_EQ(again.load(), 3);
  EXPECT_TRUE(again.entries()[0].reviewed);
  EXPECT_TRUE(again.entries()[1].flagged);
  EXPECT_EQ(again.entries()[1].reason, "missed_spheroid");
  EXPECT_EQ(again.entries()[2].edits_json, R"([{"op":"reject","x":1,"y":2}])");
}

TEST(ReviewStateTest, CorruptSessionFileIsADataErrorNamingIt) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A"}, {});
  core::write_file_atomic(dir / "session.json", "{not json");
  ReviewSession session(find_review_items(dir / "images", dir / "pred"), {dir / "session.json", {}, {}});
  try {
    session.load();
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("session.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::review
