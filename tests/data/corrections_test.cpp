// SPDX-License-Identifier: MIT
// export_for_correction / import_corrections: the workspace, each validation failure, and the
// happy path through validate_dataset with the provenance registry kept (the commands:
// tests/cli/cmd_corrections_test.cpp).
#include "segoid/data/corrections.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/data/validate_dataset.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "corrections_project.hpp"
#include "segoid/io/imagej_roi.hpp"
#include "test_support.hpp"

namespace segoid::data {
namespace {
namespace fs = std::filesystem;
using test::CorrectionsProject;
using test::disc;
using test::kHeight;
using test::kWidth;

/// Runs import and returns the DataError message ("" when it succeeded).
std::string import_error(const CorrectionsProject& p) {
  try {
    import_corrections(p.import_config());
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(CorrectionsTest, ExportWritesTheWorkspace) {
  CorrectionsProject p;
  const auto entries = p.export_workspace();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].basename, "a");
  EXPECT_TRUE(fs::exists(p.workspace / "images/a.tif"));
  EXPECT_TRUE(fs::exists(p.workspace / "images/b.tif"));
  EXPECT_TRUE(fs::is_directory(p.workspace / "corrected_masks"));
  EXPECT_TRUE(fs::is_empty(p.workspace / "corrected_masks"));
  const cv::Mat predicted = io::read_image(p.workspace / "predicted_masks/a_mask.tif").pixels;
  EXPECT_EQ(cv::countNonZero(predicted != disc({40, 30}, 10)), 0);
  const auto read_back = read_workspace(p.workspace);
  ASSERT_EQ(read_back.size(), 2u);
  EXPECT_EQ(read_back[1].status, "pending");
  EXPECT_EQ(read_back[1].source_model, (p.dir / "model.pt").string());
  EXPECT_NE(core::read_file(p.workspace / "README.md").find("Fiji"), std::string::npos);
  // A second export into the same folder needs force.
  EXPECT_THROW(p.export_workspace(), ConfigError);
}

TEST(CorrectionsTest, ExportReadsTheFlaggedCsvAndAManifest) {
  CorrectionsProject p;
  core::write_file_atomic(p.dir / "flagged.csv",
                          "image_path,mask_path,flag_reason,reviewer,timestamp\n"
                          "plates/b.tif,pred/b_pred_mask.tif,missed_spheroid,ann,2026-01-01T00:00:00Z\n");
  const auto entries = export_for_correction(p.manifest_export(p.dir / "flagged.csv", p.workspace));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].basename, "b");
  EXPECT_TRUE(fs::exists(p.workspace / "predicted_masks/b_mask.tif"));
}

// The Python SegOid's review writes stems, one per line; its list finds the images in a folder
// and in a manifest alike.
TEST(CorrectionsTest, ExportReadsThePythonToolsStemList) {
  CorrectionsProject p;
  core::write_file_atomic(p.dir / "flagged.txt", "b\n");
  EXPECT_EQ(p.export_workspace().at(0).image_file, "b.tif");
  ExportCorrectionConfig c = p.manifest_export(p.dir / "flagged.txt", p.dir / "fix2");
  EXPECT_EQ(export_for_correction(c).at(0).basename, "b");
  core::write_file_atomic(p.dir / "flagged.txt", "nope\n");
  c.output_dir = p.dir / "fix3";
  c.manifest.clear();
  c.image_dir = p.dir / "plates";
  try {
    export_for_correction(c);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

TEST(CorrectionsTest, ExportNamesAMissingPrediction) {
  CorrectionsProject p;
  fs::remove(p.dir / "pred" / "b_pred_mask.tif");
  try {
    p.export_workspace();
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("b_pred_mask.tif"), std::string::npos) << e.what();
  }
}

TEST(CorrectionsTest, ImportHappyPathThroughValidateDataset) {
  CorrectionsProject p;
  p.export_workspace();
  cv::Mat fixed = disc({40, 30}, 12);
  cv::circle(fixed, {10, 10}, 5, cv::Scalar(255), cv::FILLED);  // a missed object, added by hand
  io::write_mask_tiff(p.corrected("a"), fixed);
  const ImportCorrectionResult result = import_corrections(p.import_config());
  EXPECT_EQ(result.imported, std::vector<std::string>{"a"});
  EXPECT_EQ(result.pending, std::vector<std::string>{"b"});
  EXPECT_EQ(core::read_file(p.working / "images/a.tif"), core::read_file(p.dir / "plates/a.tif"));
  EXPECT_EQ(cv::countNonZero(io::read_image(p.working / "masks/a_mask.tif").pixels != fixed), 0);
  EXPECT_EQ(read_workspace(p.workspace)[0].status, "imported");
  EXPECT_EQ(read_workspace(p.workspace)[1].status, "pending");

  const auto registry = read_corrections_registry(p.working);
  ASSERT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry[0].basename, "a");
  EXPECT_EQ(registry[0].mask_path, "masks/a_mask.tif");
  EXPECT_EQ(registry[0].corrector, "ann");
  EXPECT_EQ(registry[0].source_model, (p.dir / "model.pt").string());
  EXPECT_EQ(registry[0].source_model_sha256, core::sha256_hex("weights"));
  EXPECT_EQ(registry[0].corrected_at.size(), 20u);  // 2026-01-01T00:00:00Z

  CurateConfig curate;
  curate.input_dir = p.working;
  curate.output_dir = p.dir / "data" / "splits";
  const std::string registry_text = core::read_file(p.working / kCorrectionsRegistry);
  for (int run = 0; run < 2; ++run) {  // a second run rewrites all.csv from the first: still there
    const ValidationReport report = validate_dataset(curate);
    EXPECT_EQ(report.exit_code(), 0) << format_validation_summary(report);
    EXPECT_EQ(report.count(QcStatus::kPass), 2);
    const io::CsvTable all = io::read_csv(p.dir / "data/splits/all.csv");
    const int basename = all.column_index("basename");
    const int model = all.column_index("source_model");
    const int by = all.column_index("corrected_by");
    ASSERT_GE(model, 0);
    ASSERT_GE(by, 0);
    for (const auto& row : all.rows) {
      EXPECT_EQ(row[by], row[basename] == "a" ? "ann" : "") << row[basename];
    }
    EXPECT_EQ(core::read_file(p.working / kCorrectionsRegistry), registry_text);
  }

  // Correcting b later appends to the registry; importing a again is refused.
  io::write_mask_tiff(p.corrected("b"), disc({40, 30}, 12));
  fs::remove(p.corrected("a"));
  const ImportCorrectionResult second = import_corrections(p.import_config());
  EXPECT_EQ(second.imported, std::vector<std::string>{"b"});
  EXPECT_EQ(read_corrections_registry(p.working).size(), 2u);
  io::write_mask_tiff(p.corrected("a"), fixed);
  EXPECT_NE(import_error(p).find("a_mask.tif"), std::string::npos);
}

// A Fiji RoiSet.zip is a corrected mask too: its area ROIs filled as ImageJ fills them.
TEST(CorrectionsTest, RoiSetIsImportedAsAMask) {
  CorrectionsProject p;
  p.export_workspace();
  const io::ImageJRoi square{"1", io::RoiType::kPolygon, {{10, 10}, {20, 10}, {20, 18}, {10, 18}}, {}};
  const io::ImageJRoi oval{"2", io::RoiType::kOval, {}, cv::Rect2d(50, 30, 12, 12)};
  io::write_roiset(p.workspace / "corrected_masks" / "a_RoiSet.zip", {square, oval});
  const ImportCorrectionResult result = import_corrections(p.import_config());
  EXPECT_EQ(result.imported, (std::vector<std::string>{"a"}));
  const cv::Mat mask = io::read_image(p.working / "masks" / "a_mask.tif").pixels;
  ASSERT_EQ(mask.size(), cv::Size(kWidth, kHeight));
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(10, 10, 10, 8))), 80);  // the square's 10 x 8 pixels
  EXPECT_EQ(mask.at<uchar>(36, 56), 255);                          // the oval's centre
  EXPECT_EQ(mask.at<uchar>(5, 5), 0);
  EXPECT_EQ(cv::countNonZero(mask), 80 + cv::countNonZero(mask(cv::Rect(50, 30, 12, 12))));
}

TEST(CorrectionsTest, RoiSetOutsideTheImageNamesTheFile) {
  CorrectionsProject p;
  p.export_workspace();
  io::write_roiset(p.workspace / "corrected_masks" / "b_RoiSet.zip",
                   {{"far", io::RoiType::kRect, {}, cv::Rect2d(500, 500, 10, 10)}});
  const std::string error = import_error(p);
  EXPECT_NE(error.find("b_RoiSet.zip"), std::string::npos) << error;
  EXPECT_NE(error.find("cover no pixel"), std::string::npos) << error;
}

TEST(CorrectionsTest, SizeMismatchNamesTheFile) {
  CorrectionsProject p;
  p.export_workspace();
  io::write_mask_tiff(p.corrected("a"), cv::Mat::zeros(kHeight, kWidth + 2, CV_8UC1));
  const std::string error = import_error(p);
  EXPECT_NE(error.find("a_mask.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("82x60"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(p.working / "images/a.tif"));
  EXPECT_FALSE(fs::exists(p.working / kCorrectionsRegistry));
}

TEST(CorrectionsTest, NonBinaryMaskNamesTheFile) {
  CorrectionsProject p;
  p.export_workspace();
  cv::Mat grey = disc({40, 30}, 12);
  grey(cv::Rect(0, 0, 4, 4)).setTo(128);
  io::write_gray_tiff(p.corrected("a"), grey);
  const std::string error = import_error(p);
  EXPECT_NE(error.find("a_mask.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("not binary"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(p.working / "masks/a_mask.tif"));
}

TEST(CorrectionsTest, ZeroOneMaskIsRefusedWithTheFijiFix) {
  CorrectionsProject p;
  p.export_workspace();
  cv::Mat zero_one = disc({40, 30}, 12) / 255;
  io::write_gray_tiff(p.corrected("b"), zero_one);
  const std::string error = import_error(p);
  EXPECT_NE(error.find("b_mask.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("Make Binary"), std::string::npos) << error;
}

TEST(CorrectionsTest, MisnamedFilesAreNamed) {
  CorrectionsProject p;
  p.export_workspace();
  io::write_mask_tiff(p.workspace / "corrected_masks" / "a.tif", disc({40, 30}, 12));
  io::write_mask_tiff(p.workspace / "corrected_masks" / "zz_mask.tif", disc({40, 30}, 12));
  const std::string error = import_error(p);
  EXPECT_NE(error.find("corrected_masks/a.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("zz_mask.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("2 problem(s)"), std::string::npos) << error;
}

TEST(CorrectionsTest, BasenameAlreadyInTheDatasetIsRefused) {
  CorrectionsProject p;
  p.export_workspace();
  fs::copy_file(p.dir / "plates/a.tif", p.working / "images" / "a.png");  // same basename, other extension
  io::write_mask_tiff(p.corrected("a"), disc({40, 30}, 12));
  const std::string error = import_error(p);
  EXPECT_NE(error.find("a_mask.tif"), std::string::npos) << error;
  EXPECT_NE(error.find("already exists"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(p.working / "masks/a_mask.tif"));
}

TEST(CorrectionsTest, NothingCorrectedIsAClearError) {
  CorrectionsProject p;
  p.export_workspace();
  EXPECT_THROW(import_corrections(p.import_config()), ConfigError);
}

}  // namespace
}  // namespace segoid::data
