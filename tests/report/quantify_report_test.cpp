// SPDX-License-Identifier: MIT
// quantify with plots, through the library call (the command: tests/cli/cmd_quantify_objects_test.cpp).
#include "segoid/report/quantify_report.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "segoid/core/atomic_file.hpp"
#include "segoid/io/image_io.hpp"
#include "quantify_scene.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {
namespace fs = std::filesystem;

TEST(QuantifyReportTest, WritesAllPlotsAsPngs) {
  test::TempDir dir;
  test::write_quantify_scene(dir.path());
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
  test::write_quantify_scene(dir.path());
  analysis::QuantifyConfig config;
  config.pred_mask_dir = dir / "pred";
  config.output_dir = dir / "out";
  config.generate_plots = false;
  run_quantify_report(config);
  EXPECT_TRUE(fs::exists(dir / "out" / "all_objects.csv"));
  EXPECT_FALSE(fs::exists(dir / "out" / "plots"));
}

}  // namespace
}  // namespace segoid::report
