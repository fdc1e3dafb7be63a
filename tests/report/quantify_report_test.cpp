// SPDX-License-Identifier: MIT
// quantify with plots, through the library call and through the `segoid quantify` CLI.
#include "segoid/report/quantify_report.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "segoid/core/atomic_file.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {
namespace fs = std::filesystem;

// Two images with truth (one perfect, one with a miss) and one without.
void make_scene(const fs::path& dir) {
  cv::Mat truth(100, 140, CV_8UC1, cv::Scalar(0));
  cv::circle(truth, {35, 50}, 14, 255, cv::FILLED);
  cv::circle(truth, {100, 50}, 18, 255, cv::FILLED);
  cv::Mat pred = truth.clone();
  cv::circle(pred, {100, 50}, 18, 0, cv::FILLED);  // missed
  io::write_mask_tiff(dir / "pred" / "w1_pred_mask.tif", truth);
  io::write_mask_tiff(dir / "pred" / "w2_pred_mask.tif", pred);
  io::write_mask_tiff(dir / "pred" / "w3_pred_mask.tif", truth);
  io::write_mask_tiff(dir / "gt" / "w1.tif", truth);
  io::write_mask_tiff(dir / "gt" / "w2.tif", truth);
  core::write_file_atomic(dir / "test.csv", "basename,image_path,mask_path\nw1,i.tif," + (dir / "gt" / "w1.tif").string() +
                                                "\nw2,i.tif," + (dir / "gt" / "w2.tif").string() + "\n");
}

TEST(QuantifyReportTest, WritesAllPlotsAsPngs) {
  test::TempDir dir;
  make_scene(dir.path());
  analysis::QuantifyConfig config;
  config.pred_mask_dir = dir / "pred";
  config.gt_manifest = dir / "test.csv";
  config.output_dir = dir / "out";
  config.pixel_size_um = 1.3;
  const analysis::QuantifySummary s = run_quantify_report(config);
  EXPECT_EQ(s.tp, 3);
  EXPECT_EQ(s.fn, 1);
  for (const char* name : {"area_histogram.png", "equivalent_diameter_histogram.png", "circularity_histogram.png",
                           "object_counts.png", "detection_per_image.png", "summary_plots.png"}) {
    const cv::Mat image = cv::imread((dir / "out" / "plots" / name).string());
    EXPECT_FALSE(image.empty()) << name;
  }
}

TEST(QuantifyReportTest, NoPlotsWhenDisabled) {
  test::TempDir dir;
  make_scene(dir.path());
  analysis::QuantifyConfig config;
  config.pred_mask_dir = dir / "pred";
  config.output_dir = dir / "out";
  config.generate_plots = false;
  run_quantify_report(config);
  EXPECT_TRUE(fs::exists(dir / "out" / "all_objects.csv"));
  EXPECT_FALSE(fs::exists(dir / "out" / "plots"));
}

TEST(QuantifyReportTest, CommandLineFlagsOverrideConfig) {
  test::TempDir dir;
  make_scene(dir.path());
  // The config asks for a huge minimum area; the flag brings it back to 100 px.
  core::write_file_atomic(dir / "q.yaml", "input:\n  pred_mask_dir: " + (dir / "pred").string() +
                                              "\nanalysis:\n  min_object_area: 100000\noutput:\n  generate_plots: false\n");
  std::string output;
  const std::string cmd = test::segoid_binary().string() + " quantify --config " + (dir / "q.yaml").string() +
                          " --gt-manifest " + (dir / "test.csv").string() + " --output-dir " + (dir / "out").string() +
                          " --min-object-area 100";
  ASSERT_EQ(test::run_command(cmd, &output), 0) << output;
  EXPECT_NE(output.find("5 object(s) measured"), std::string::npos) << output;
  EXPECT_NE(output.find("micro (all objects)            1.000   0.750  0.857"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "out" / "plots"));

  // An unknown key in the config is a usage error (exit 2) naming the key.
  core::write_file_atomic(dir / "bad.yaml", "analysis:\n  iou_treshold: 0.5\n");
  const std::string bad = test::segoid_binary().string() + " quantify --config " + (dir / "bad.yaml").string() +
                          " --pred-mask-dir " + (dir / "pred").string();
  EXPECT_EQ(test::run_command(bad, &output), 2) << output;
  EXPECT_NE(output.find("iou_treshold"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::report
