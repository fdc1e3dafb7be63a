// SPDX-License-Identifier: MIT
// run_quantify end to end on small synthetic scenes with known objects, plus config loading.
#include "segoid/analysis/quantify.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "python_columns.hpp"
#include "segoid/analysis/object_table.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/imagej_roi.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {
namespace fs = std::filesystem;

using Rows = std::vector<std::map<std::string, std::string>>;

// Reads a CSV written by quantify (no quoted fields in these tests) into maps by column.
Rows read_csv(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) header.push_back(cell);
  Rows rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream ss(line);
    std::size_t i = 0;
    for (std::string cell; i < header.size(); ++i) {
      if (!std::getline(ss, cell, ',')) cell.clear();
      row[header[i]] = cell;
    }
    rows.push_back(row);
  }
  return rows;
}

std::map<std::string, std::string> summary_map(const fs::path& path) {
  std::map<std::string, std::string> out;
  for (auto& row : read_csv(path)) out[row["metric"]] = row["value"];
  return out;
}

cv::Mat blank() { return cv::Mat(120, 160, CV_8UC1, cv::Scalar(0)); }

// A scene: "a" has 3 true discs; the prediction finds two (one shifted by 3 px), misses one,
// adds a false alarm, and both hold a 20 px speck that the 100 px area filter removes.
// "b" is predicted exactly; "c" is in the manifest without ground truth; "d" has a prediction
// but is not in the manifest.
struct Scene {
  test::TempDir dir;
  QuantifyConfig config;
  Scene() {
    cv::Mat truth_a = blank(), pred_a = blank();
    cv::circle(truth_a, {30, 30}, 12, 255, cv::FILLED);
    cv::circle(truth_a, {90, 40}, 15, 255, cv::FILLED);
    cv::circle(truth_a, {130, 90}, 10, 255, cv::FILLED);   // missed
    truth_a(cv::Rect(5, 100, 5, 4)).setTo(255);             // speck, 20 px
    cv::circle(pred_a, {30, 30}, 12, 255, cv::FILLED);
    cv::circle(pred_a, {93, 40}, 15, 255, cv::FILLED);      // shifted 3 px
    cv::circle(pred_a, {60, 95}, 9, 255, cv::FILLED);       // false alarm
    pred_a(cv::Rect(5, 100, 5, 4)).setTo(255);
    cv::Mat truth_b = blank();
    cv::circle(truth_b, {80, 60}, 20, 255, cv::FILLED);
    cv::Mat pred_c = blank();
    cv::ellipse(pred_c, {80, 60}, {30, 12}, 30, 0, 360, 255, cv::FILLED);
    io::write_mask_tiff(dir / "pred" / "a_pred_mask.tif", pred_a);
    io::write_mask_tiff(dir / "pred" / "b_pred_mask.tif", truth_b);
    io::write_mask_tiff(dir / "pred" / "c_pred_mask.tif", pred_c);
    io::write_mask_tiff(dir / "pred" / "d_pred_mask.tif", pred_c);
    io::write_mask_tiff(dir / "data" / "masks" / "a_mask.tif", truth_a);
    io::write_mask_tiff(dir / "data" / "masks" / "b_mask.tif", truth_b);
    core::write_file_atomic(dir / "data" / "test.csv",
                            "basename,image_path,mask_path,notes\n"
                            "a,images/a.tif,masks/a_mask.tif,\n"
                            "b,images/b.tif,masks/b_mask.tif,\"quoted, note\"\n"
                            "c,images/c.tif,,\n");
    config.pred_mask_dir = dir / "pred";
    config.gt_manifest = dir / "data" / "test.csv";
    config.data_root = dir / "data";
    config.output_dir = dir / "metrics";
    config.generate_plots = false;
  }
};

TEST(QuantifyTest, WritesMeasurementsAndDetectionScores) {
  Scene scene;
  const QuantifySummary s = run_quantify(scene.config);
  EXPECT_TRUE(s.failures.empty());
  ASSERT_EQ(s.images.size(), 3u);  // the manifest's images only, as the Python SegOid (not d)
  EXPECT_EQ(s.images[2].basename, "c");
  EXPECT_EQ(s.images_with_truth, 2);
  EXPECT_EQ(s.n_objects, 3 + 1 + 1);  // speck removed
  EXPECT_EQ(s.tp, 3);
  EXPECT_EQ(s.fp, 1);
  EXPECT_EQ(s.fn, 1);
  EXPECT_DOUBLE_EQ(s.micro.precision, 0.75);
  EXPECT_DOUBLE_EQ(s.micro.recall, 0.75);
  // Macro: image a has P = R = 2/3, image b has P = R = 1.
  EXPECT_DOUBLE_EQ(s.macro.f1, (2.0 / 3 + 1) / 2);

  const fs::path out = scene.config.output_dir;
  const Rows eval = read_csv(out / "instance_eval.csv");
  ASSERT_EQ(eval.size(), 2u);
  EXPECT_EQ(eval[0].at("image"), "a");
  EXPECT_EQ(eval[0].at("n_gt"), "3");
  EXPECT_EQ(eval[0].at("tp"), "2");
  EXPECT_EQ(eval[0].at("fp"), "1");
  EXPECT_EQ(eval[0].at("fn"), "1");
  EXPECT_NEAR(std::stod(eval[0].at("mean_centroid_shift_px")), 1.5, 0.05);  // (0 + 3) / 2
  EXPECT_EQ(eval[1].at("f1"), "1");

  const Rows all = read_csv(out / "all_objects.csv");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].at("image"), "a");
  EXPECT_EQ(all[0].at("object_id"), "1");
  EXPECT_EQ(all[4].at("image"), "c");
  EXPECT_EQ(all[4].at("pixel_size_source"), "none");
  EXPECT_EQ(all[4].at("matched_true_label"), "");  // no truth for c
  // The CSV carries the same numbers as region_props on the same mask.
  cv::Mat pred_c = io::read_image(scene.dir / "pred" / "c_pred_mask.tif").pixels;
  const RegionProps c = measure_objects(pred_c).at(0);
  EXPECT_NEAR(std::stod(all[4].at("perimeter")), c.perimeter, 1e-6);
  EXPECT_NEAR(std::stod(all[4].at("eccentricity")), c.eccentricity, 1e-9);
  EXPECT_EQ(read_csv(out / "per_image" / "b_objects.csv").size(), 1u);

  const auto summary = summary_map(out / "summary_metrics.csv");
  EXPECT_EQ(summary.at("n_objects"), "5");
  EXPECT_DOUBLE_EQ(std::stod(summary.at("micro_f1")), 0.75);
  EXPECT_TRUE(summary.count("area_median"));
  EXPECT_FALSE(summary.count("area_um2_median"));  // uncalibrated
  // summary.csv: one wide row over the two images with truth.
  const Rows wide = read_csv(out / "summary.csv");
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0].at("total_images"), "2");
  EXPECT_EQ(wide[0].at("total_pred_objects"), "4");
  EXPECT_EQ(wide[0].at("total_gt_objects"), "4");
  EXPECT_EQ(wide[0].at("total_tp"), "3");
  EXPECT_NEAR(std::stod(wide[0].at("mean_f1")), (2.0 / 3 + 1) / 2, 1e-9);
  EXPECT_DOUBLE_EQ(std::stod(wide[0].at("micro_f1")), 0.75);
  EXPECT_EQ(read_csv(out / "errors.csv").size(), 0u);
  const YAML::Node meta = YAML::LoadFile((out / "quantify_meta.yaml").string());
  EXPECT_EQ(meta["analysis"]["min_object_area"].as<int>(), 100);
  EXPECT_EQ(meta["results"]["objects"].as<int>(), 5);
  EXPECT_FALSE(meta["segoid_version"].as<std::string>().empty());
  const std::string console = format_quantify_summary(s);
  EXPECT_NE(console.find("micro (all objects)            0.750   0.750  0.750"), std::string::npos) << console;
  EXPECT_NE(console.find("TP 3, FP 1, FN 1"), std::string::npos) << console;
}

TEST(QuantifyTest, PixelSizeAddsCalibratedColumns) {
  Scene scene;
  scene.config.pixel_size_um = 0.65;
  scene.config.gt_manifest.clear();
  const QuantifySummary s = run_quantify(scene.config);
  EXPECT_EQ(s.images_with_truth, 0);
  const Rows all = read_csv(scene.config.output_dir / "all_objects.csv");
  ASSERT_FALSE(all.empty());
  // As the Python SegOid: area in µm², lengths in µm, the pixel values in *_px after them.
  EXPECT_NEAR(std::stod(all[0].at("area")), std::stod(all[0].at("area_px")) * 0.65 * 0.65, 1e-6);
  EXPECT_NEAR(std::stod(all[0].at("equivalent_diameter")), std::stod(all[0].at("equivalent_diameter_px")) * 0.65, 1e-6);
  EXPECT_NEAR(std::stod(all[0].at("perimeter")), std::stod(all[0].at("perimeter_px")) * 0.65, 1e-6);
  EXPECT_FALSE(all[0].count("eccentricity_px"));
  EXPECT_EQ(all[0].at("pixel_size_um"), "0.65");
  EXPECT_EQ(all[0].at("pixel_size_source"), "option");
  const auto summary = summary_map(scene.config.output_dir / "summary_metrics.csv");
  EXPECT_TRUE(summary.count("area_um2_median"));
  EXPECT_FALSE(fs::exists(scene.config.output_dir / "instance_eval.csv"));
}

TEST(QuantifyTest, TiffResolutionIsThePixelSizeOnlyWithAuto) {
  Scene scene;
  scene.config.gt_manifest.clear();
  cv::Mat disc = blank();
  cv::circle(disc, {80, 60}, 20, 255, cv::FILLED);
  io::write_mask_tiff(scene.dir / "pred" / "b_pred_mask.tif", disc, /*pixel_size_um=*/0.5);
  // Without --pixel-size: pixels, as the Python SegOid, whatever the TIFF says.
  EXPECT_EQ(run_quantify(scene.config).images.size(), 4u);  // no manifest: every prediction
  const Rows plain = read_csv(scene.config.output_dir / "per_image" / "b_objects.csv");
  EXPECT_EQ(plain[0].at("pixel_size_source"), "none");
  EXPECT_EQ(plain[0].at("area"), plain[0].at("area_px"));
  // --pixel-size auto: the TIFF calibration.
  scene.config.pixel_size_from_tiff = true;
  run_quantify(scene.config);
  const Rows b = read_csv(scene.config.output_dir / "per_image" / "b_objects.csv");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NEAR(std::stod(b[0].at("pixel_size_um")), 0.5, 1e-6);
  EXPECT_EQ(b[0].at("pixel_size_source"), "tiff");
  EXPECT_NEAR(std::stod(b[0].at("area")), std::stod(b[0].at("area_px")) * 0.25, 1e-4);
  const Rows a = read_csv(scene.config.output_dir / "per_image" / "a_objects.csv");
  EXPECT_EQ(a[0].at("pixel_size_source"), "none");  // a has no resolution tags: pixels
  EXPECT_EQ(a[0].at("area"), a[0].at("area_px"));
  // --pixel-size wins over the tags.
  scene.config.pixel_size_um = 2.0;
  run_quantify(scene.config);
  const Rows b2 = read_csv(scene.config.output_dir / "per_image" / "b_objects.csv");
  EXPECT_EQ(b2[0].at("pixel_size_source"), "option");
  EXPECT_NEAR(std::stod(b2[0].at("area")), std::stod(b2[0].at("area_px")) * 4.0, 1e-4);
}

TEST(QuantifyTest, OutputsCarryThePythonColumnsFirst) {
  Scene scene;
  run_quantify(scene.config);
  const fs::path out = scene.config.output_dir;
  for (const fs::path& table : {out / "all_objects.csv", out / "per_image" / "a_objects.csv"}) {
    const io::CsvTable t = io::read_csv(table);
    EXPECT_EQ(test::python::leading(t.header, test::python::kObjects.size()), test::python::kObjects) << table;
    // SegOid's columns follow Python's.
    EXPECT_EQ(t.header, object_table_header()) << table;
    EXPECT_GT(t.header.size(), test::python::kObjects.size()) << table;
  }
  const io::CsvTable eval = io::read_csv(out / "instance_eval.csv");
  EXPECT_EQ(test::python::leading(eval.header, test::python::kInstanceEval.size()), test::python::kInstanceEval);
  const io::CsvTable summary = io::read_csv(out / "summary.csv");
  EXPECT_EQ(test::python::leading(summary.header, test::python::kSummary.size()), test::python::kSummary);
  EXPECT_EQ(summary.rows.size(), 1u);
}

// The shape measures come after every column of before (issue 27), calibrated like the others.
TEST(QuantifyTest, ShapeMeasuresFollowTheEarlierColumns) {
  Scene scene;
  scene.config.pixel_size_um = 0.5;
  run_quantify(scene.config);
  const io::CsvTable t = io::read_csv(scene.config.output_dir / "all_objects.csv");
  const std::vector<std::string> tail = {"solidity", "convexity", "feret_diameter_max", "feret_diameter_min",
                                         "volume_sphere", "volume_ellipsoid", "feret_diameter_max_px",
                                         "feret_diameter_min_px", "volume_sphere_px", "volume_ellipsoid_px"};
  ASSERT_GT(t.header.size(), tail.size());
  EXPECT_EQ(std::vector<std::string>(t.header.end() - static_cast<std::ptrdiff_t>(tail.size()), t.header.end()), tail);
  EXPECT_EQ(t.header[t.header.size() - tail.size() - 1], "match_iou");
  const Rows all = read_csv(scene.config.output_dir / "all_objects.csv");
  EXPECT_NEAR(std::stod(all[0].at("volume_sphere")), std::stod(all[0].at("volume_sphere_px")) * 0.125, 1e-3);
  EXPECT_NEAR(std::stod(all[0].at("feret_diameter_max")), std::stod(all[0].at("feret_diameter_max_px")) * 0.5, 1e-6);
  EXPECT_GT(std::stod(all[0].at("solidity")), 0.9);  // a disc of radius 12
}

// --roiset: one Fiji RoiSet.zip per image whose ROIs, filled, are the measured objects.
TEST(QuantifyTest, RoiSetPerImageNamesObjectsByObjectId) {
  Scene scene;
  scene.config.write_roiset = true;
  run_quantify(scene.config);
  const fs::path rois = scene.config.output_dir / "rois";
  for (const std::string image : {"a", "b", "c"}) {
    const std::vector<io::ImageJRoi> set = io::read_roiset(rois / (image + "_RoiSet.zip"));
    const Rows objects = read_csv(scene.config.output_dir / "per_image" / (image + "_objects.csv"));
    ASSERT_EQ(set.size(), objects.size()) << image;
    for (std::size_t i = 0; i < set.size(); ++i) {
      EXPECT_EQ(set[i].name, objects[i].at("object_id"));
      cv::Mat filled = cv::Mat::zeros(120, 160, CV_8UC1);
      io::fill_imagej_roi(set[i], filled);
      EXPECT_EQ(cv::countNonZero(filled), std::stoi(objects[i].at("area"))) << image << " " << set[i].name;
    }
  }
  // Without the option, a later run leaves no ROI sets behind.
  scene.config.write_roiset = false;
  run_quantify(scene.config);
  EXPECT_FALSE(fs::exists(rois / "a_RoiSet.zip"));
}

TEST(QuantifyTest, BadFilesAreRecordedAndOthersComplete) {
  Scene scene;
  core::write_file_atomic(scene.dir / "pred" / "b_pred_mask.tif", "not a tiff");
  core::write_file_atomic(scene.config.gt_manifest,
                          "basename,mask_path\na,masks/a_mask.tif\nb,masks/b_mask.tif\nz,masks/z.tif\ny,masks/y.tif\n");
  io::write_mask_tiff(scene.dir / "pred" / "y_pred_mask.tif", blank());
  const QuantifySummary s = run_quantify(scene.config);
  // z has no prediction: skipped with a warning (the Python SegOid's behaviour), not a failure.
  // y's truth file is missing: measured without it. b is unreadable: a failure.
  ASSERT_EQ(s.images.size(), 2u);
  EXPECT_EQ(s.images[0].basename, "a");
  EXPECT_EQ(s.images[1].basename, "y");
  EXPECT_FALSE(s.images[1].has_truth);
  EXPECT_EQ(s.skipped_without_prediction, 1);
  ASSERT_EQ(s.failures.size(), 1u);
  const Rows errors = read_csv(scene.config.output_dir / "errors.csv");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].at("file").find("b_pred_mask.tif"), std::string::npos);
  EXPECT_EQ(read_csv(scene.config.output_dir / "instance_eval.csv").size(), 1u);  // a only
}

TEST(QuantifyTest, MismatchedSizesNameBothFiles) {
  Scene scene;
  io::write_mask_tiff(scene.dir / "data" / "masks" / "b_mask.tif", cv::Mat(50, 50, CV_8UC1, cv::Scalar(255)));
  const QuantifySummary s = run_quantify(scene.config);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_NE(s.failures[0].reason.find("b_pred_mask.tif"), std::string::npos);
  EXPECT_NE(s.failures[0].reason.find("b_mask.tif"), std::string::npos);
}

TEST(QuantifyTest, MissingInputsThrowClearErrors) {
  Scene scene;
  QuantifyConfig config = scene.config;
  config.pred_mask_dir = scene.dir / "nowhere";
  try {
    run_quantify(config);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos);
  }
  config = scene.config;
  core::write_file_atomic(config.gt_manifest, "basename,image_path\na,x.tif\n");
  try {
    run_quantify(config);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("test.csv"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mask_path"), std::string::npos);
  }
  config.pred_mask_dir.clear();
  EXPECT_THROW(run_quantify(config), ConfigError);
}

TEST(QuantifyTest, ShippedConfigLoadsWithDefaults) {
  const QuantifyConfig c = load_quantify_config(test::source_dir() / "configs" / "quantify.yaml");
  const QuantifyConfig defaults;
  EXPECT_EQ(c.min_object_area, defaults.min_object_area);
  EXPECT_DOUBLE_EQ(c.iou_threshold, defaults.iou_threshold);
  EXPECT_DOUBLE_EQ(c.pixel_size_um, 0.0);
  EXPECT_TRUE(c.generate_plots);
  EXPECT_EQ(c.pred_mask_dir, fs::path("inference/"));
  EXPECT_EQ(c.data_root, std::filesystem::path("data"));  // manifests are relative to the data root
}

TEST(QuantifyTest, ConfigRejectsUnknownKeysAndBadRanges) {
  test::TempDir dir;
  core::write_file_atomic(dir / "typo.yaml", "analysis:\n  min_objekt_area: 50\n");
  try {
    load_quantify_config(dir / "typo.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("typo.yaml"), std::string::npos) << what;
    EXPECT_NE(what.find("min_objekt_area"), std::string::npos) << what;
  }
  core::write_file_atomic(dir / "iou.yaml", "analysis:\n  iou_match_threshold: 1.5\n");
  EXPECT_THROW(load_quantify_config(dir / "iou.yaml"), ConfigError);
  core::write_file_atomic(dir / "px.yaml", "calibration:\n  pixel_size_um: -1\n");
  EXPECT_THROW(load_quantify_config(dir / "px.yaml"), ConfigError);
  core::write_file_atomic(dir / "word.yaml", "calibration:\n  pixel_size_um: tiff\n");
  try {
    load_quantify_config(dir / "word.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("word.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pixel_size_um"), std::string::npos) << e.what();
  }
  core::write_file_atomic(dir / "auto.yaml", "calibration:\n  pixel_size_um: auto\n");
  EXPECT_TRUE(load_quantify_config(dir / "auto.yaml").pixel_size_from_tiff);
  core::write_file_atomic(dir / "ok.yaml", "calibration:\n  pixel_size_um: 0.65\noutput:\n  generate_plots: false\n");
  const QuantifyConfig ok = load_quantify_config(dir / "ok.yaml");
  EXPECT_DOUBLE_EQ(ok.pixel_size_um, 0.65);
  EXPECT_FALSE(ok.generate_plots);
}

}  // namespace
}  // namespace segoid::analysis
