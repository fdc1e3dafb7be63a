// SPDX-License-Identifier: MIT
// validate_dataset on a folder of planted faults: each image gets its exact expected status.
#include "segoid/data/validate_dataset.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "data/planted_dataset.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/data/contract.hpp"
#include "python_columns.hpp"
#include "segoid/io/csv.hpp"
#include "test_support.hpp"

namespace segoid::data {
namespace {
namespace fs = std::filesystem;

const QcEntry& entry_for(const ValidationReport& report, const std::string& basename) {
  for (const auto& entry : report.entries) {
    if (entry.row.basename == basename) return entry;
  }
  throw std::runtime_error("no entry " + basename);
}

TEST(ValidateDatasetTest, MaskStemGivesItsImagesBasename) {
  EXPECT_EQ(contract::basename_of_mask_stem("well_A01_mask"), "well_A01");
  EXPECT_EQ(contract::basename_of_mask_stem("x_mask_mask"), "x_mask");  // only the last suffix
  EXPECT_EQ(contract::basename_of_mask_stem("_mask"), "");               // no image name before it
  EXPECT_EQ(contract::basename_of_mask_stem("well_A01"), "");
  EXPECT_EQ(contract::basename_of_mask_stem("well_A01_Mask"), "");       // case matters
}

TEST(ValidateDatasetTest, DataRootIsTheInputFoldersParent) {
  CurateConfig config;
  config.input_dir = "data/working";
  EXPECT_EQ(data_root_of(config), fs::path("data"));
  config.input_dir = "data/working/";
  EXPECT_EQ(data_root_of(config), fs::path("data"));
  config.input_dir = "working";
  EXPECT_EQ(data_root_of(config), fs::path("."));
  config.input_dir = "/srv/lab/data/working";
  EXPECT_EQ(data_root_of(config), fs::path("/srv/lab/data"));
}

TEST(ValidateDatasetTest, PlantedFaultsGetTheirStatus) {
  test::TempDir dir;
  const auto expected = test::write_planted_dataset(dir / "working");
  CurateConfig config;
  config.input_dir = dir / "working";
  config.output_dir = dir / "splits";
  config.confirm_empty = {"empty_confirmed"};
  const ValidationReport report = validate_dataset(config);

  ASSERT_EQ(report.entries.size(), expected.size());
  for (const auto& [basename, status] : expected) {
    EXPECT_EQ(to_string(entry_for(report, basename).status), status) << basename << ": "
                                                                     << entry_for(report, basename).reason;
  }
  EXPECT_NE(entry_for(report, "missing_mask").reason.find("no mask"), std::string::npos);
  EXPECT_TRUE(entry_for(report, "orphan").orphan_mask);
  EXPECT_NE(entry_for(report, "size_mismatch").reason.find("image 64x48, mask 64x40"), std::string::npos);
  EXPECT_NE(entry_for(report, "multi_level").reason.find("3 levels found {0, 128, 255}"), std::string::npos);
  EXPECT_NE(entry_for(report, "corrupt").reason.find("corrupt.tif"), std::string::npos);
  ASSERT_EQ(entry_for(report, "zero_one").warnings.size(), 1U);
  EXPECT_NE(entry_for(report, "zero_one").warnings[0].find("{0, 1} converted"), std::string::npos);
  EXPECT_EQ(entry_for(report, "empty_confirmed").row.empty_confirmed, std::optional<bool>(true));
  EXPECT_EQ(entry_for(report, "empty_confirmed").row.object_count, std::optional<int>(0));

  // Coverage and objects against the drawn shapes.
  const cv::Mat disc = test::disc_mask({30, 20}, 10);
  EXPECT_DOUBLE_EQ(entry_for(report, "good_one").row.mask_coverage.value(),
                   cv::countNonZero(disc) / double(test::kPlantedWidth * test::kPlantedHeight));
  EXPECT_EQ(entry_for(report, "good_one").row.object_count, std::optional<int>(1));
  EXPECT_EQ(entry_for(report, "good_two").row.object_count, std::optional<int>(2));
  EXPECT_EQ(report.count(QcStatus::kPass), 5);
  EXPECT_EQ(report.count(QcStatus::kFail), 5);
  EXPECT_EQ(report.count(QcStatus::kFlagged), 1);
  EXPECT_EQ(report.confirmed_empty(), 1);
  EXPECT_EQ(report.exit_code(), 1);  // the failures; the flagged empty mask alone would give 0
  // Objects of passing masks: good_one, good_two (2), zero_one, png_mask.
  EXPECT_EQ(report.object_diameters_px.size(), 5U);

  // Passing images and the unconfirmed empty one (kept with empty_confirmed False, as Python).
  const Manifest all = read_manifest(report.all_csv);
  ASSERT_EQ(all.rows.size(), 6U);
  ASSERT_NE(all.find("empty_unconfirmed"), nullptr);
  EXPECT_EQ(all.find("empty_unconfirmed")->empty_confirmed, std::optional<bool>(false));
  // Paths are relative to the data root (the input folder's parent), as the Python SegOid writes them.
  EXPECT_EQ(data_root_of(config), dir.path());
  for (const auto& row : all.rows) {
    EXPECT_TRUE(fs::exists(resolve_data_path(row.image_path, dir.path()))) << row.image_path;
    EXPECT_TRUE(fs::exists(resolve_data_path(row.mask_path, dir.path()))) << row.mask_path;
  }
  EXPECT_EQ(all.find("png_mask")->mask_path, "working/masks/png_mask_mask.png");
  const std::string meta = core::read_file(dir / "splits" / "curate_meta.yaml");
  EXPECT_NE(meta.find("passed: 5"), std::string::npos) << meta;
  EXPECT_NE(meta.find("recommended_patch_px: " + std::to_string(report.recommended_patch_px())), std::string::npos);
  const std::string qc = core::read_file(report.qc_csv);
  EXPECT_NE(qc.find(",validation_status,validation_message,warnings,status,reason\n"), std::string::npos);
  EXPECT_NE(qc.find("orphan,,"), std::string::npos);
}

TEST(ValidateDatasetTest, AllCsvAndQcReportCarryThePythonColumns) {
  test::TempDir dir;
  test::write_planted_dataset(dir / "working");
  CurateConfig config;
  config.input_dir = dir / "working";
  config.output_dir = dir / "splits";
  const ValidationReport report = validate_dataset(config);
  const io::CsvTable all = io::read_csv(report.all_csv);
  EXPECT_EQ(all.header, test::python::kAllCsv);
  ASSERT_FALSE(all.rows.empty());
  for (const auto& row : all.rows) {
    const std::string& confirmed = row[all.column_index("empty_confirmed")];
    EXPECT_TRUE(confirmed == "True" || confirmed == "False") << confirmed;
  }
  // mean_diameter is the mean equivalent diameter of the mask's objects.
  const int diameter = all.column_index("mean_diameter");
  const int count = all.column_index("object_count");
  for (const auto& row : all.rows) {
    if (row[count] != "0") {
      EXPECT_GT(std::stod(row[diameter]), 0.0) << row[0];
    }
  }
  const io::CsvTable qc = io::read_csv(report.qc_csv);
  std::vector<std::string> expected = test::python::kAllCsv;
  expected.insert(expected.end(), test::python::kQcReportTail.begin(), test::python::kQcReportTail.end());
  EXPECT_EQ(test::python::leading(qc.header, expected.size()), expected);
  const int validation = qc.column_index("validation_status");
  const int status = qc.column_index("status");
  const int warnings = qc.column_index("warnings");
  for (const auto& row : qc.rows) {
    // An unconfirmed empty mask is a PASS with Python's warning; status says "flagged".
    EXPECT_EQ(row[validation], row[status] == "fail" ? "FAIL" : "PASS") << row[0];
    if (row[status] == "flagged") {
      EXPECT_EQ(row[warnings], "Empty mask - needs confirmation") << row[0];
    }
  }
}

TEST(ValidateDatasetTest, ConfirmationsAndMetadataCarryOverFromAllCsv) {
  test::TempDir dir;
  test::write_planted_dataset(dir / "working");
  CurateConfig config;
  config.input_dir = dir / "working";
  config.output_dir = dir / "splits";
  core::write_file_atomic(config.output_dir / "all.csv",
                          "basename,image_path,empty_confirmed,operator,plate\n"
                          "empty_unconfirmed,x.tif,true,ana,P7\n"
                          "good_one,x.tif,,bob,P8\n");
  const ValidationReport report = validate_dataset(config);
  EXPECT_EQ(entry_for(report, "empty_unconfirmed").status, QcStatus::kPass);
  EXPECT_EQ(entry_for(report, "empty_confirmed").status, QcStatus::kFlagged);
  const Manifest all = read_manifest(report.all_csv);
  EXPECT_EQ(all.find("good_one")->operator_name, "bob");
  EXPECT_EQ(all.find("good_one")->extra.at("plate"), "P8");
  EXPECT_TRUE(all.find("empty_unconfirmed")->empty_confirmed.value());
}

TEST(ValidateDatasetTest, DiagonalNeighboursAreOneObject) {
  // 8-connectivity (scikit-image's label default in 2-D): squares touching at a corner merge.
  test::TempDir dir;
  cv::Mat mask = cv::Mat::zeros(test::kPlantedHeight, test::kPlantedWidth, CV_8UC1);
  mask(cv::Rect(10, 10, 5, 5)).setTo(255);
  mask(cv::Rect(15, 15, 5, 5)).setTo(255);  // touches the first only diagonally
  mask(cv::Rect(40, 30, 3, 3)).setTo(255);
  io::write_gray_tiff(dir / "w" / "images" / "a.tif", test::planted_image(mask));
  io::write_mask_tiff(dir / "w" / "masks" / "a_mask.tif", mask);
  CurateConfig config;
  config.input_dir = dir / "w";
  config.output_dir = dir / "out";
  const ValidationReport report = validate_dataset(config);
  EXPECT_EQ(report.entries.at(0).row.object_count, std::optional<int>(2));
  // Diameters sqrt(4A/pi) of areas 50 and 9; median of two is their mean.
  const double expected = (std::sqrt(4 * 50 / M_PI) + std::sqrt(4 * 9 / M_PI)) / 2;
  EXPECT_NEAR(report.median_diameter_px(), expected, 1e-12);
  EXPECT_EQ(report.recommended_patch_px(), static_cast<int>(std::ceil(2.5 * expected / 32)) * 32);
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(ValidateDatasetTest, ObjectsMatchScikitImage) {
  if (!test::python_has("numpy tifffile skimage")) GTEST_SKIP() << "/usr/bin/python3 with scikit-image missing";
  test::TempDir dir;
  // Irregular blobs: thresholded smoothed noise gives many components with diagonal contacts.
  cv::Mat noise(test::kPlantedHeight * 3, test::kPlantedWidth * 3, CV_32FC1);
  core::Rng rng(5);
  for (int row = 0; row < noise.rows; ++row) {
    for (int col = 0; col < noise.cols; ++col) noise.at<float>(row, col) = static_cast<float>(rng.uniform());
  }
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 2.0);
  cv::Mat mask;
  cv::compare(noise, 0.52, mask, cv::CMP_GT);
  io::write_gray_tiff(dir / "w" / "images" / "blobs.tif", cv::Mat(mask.size(), CV_16UC1, cv::Scalar(1000)));
  io::write_mask_tiff(dir / "w" / "masks" / "blobs_mask.tif", mask);
  io::write_gray_tiff(dir / "for_python.tif", mask);  // tifffile has no LZW decoder here
  CurateConfig config;
  config.input_dir = dir / "w";
  config.output_dir = dir / "out";
  const ValidationReport report = validate_dataset(config);
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import numpy as np, tifffile; from skimage.measure import label, "
                              "regionprops; m = tifffile.imread('" + (dir / "for_python.tif").string() +
                              "') > 0; d = [r.equivalent_diameter for r in regionprops(label(m))]; "
                              "print(len(d), repr(float(np.median(d))), repr(float(m.mean())))\"",
                              &output),
            0)
      << output;
  std::istringstream in(output);
  int count = 0;
  double median = 0, coverage = 0;
  in >> count >> median >> coverage;
  ASSERT_GT(count, 5);
  EXPECT_EQ(report.entries.at(0).row.object_count, std::optional<int>(count));
  EXPECT_NEAR(report.median_diameter_px(), median, 1e-9);
  EXPECT_NEAR(report.entries.at(0).row.mask_coverage.value(), coverage, 1e-12);
}

TEST(ValidateDatasetTest, MissingImagesFolderIsIoError) {
  test::TempDir dir;
  CurateConfig config;
  config.input_dir = dir / "nothing";
  config.output_dir = dir / "out";
  EXPECT_THROW(validate_dataset(config), IoError);
}

}  // namespace
}  // namespace segoid::data
