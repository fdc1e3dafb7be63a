// SPDX-License-Identifier: MIT
// `segoid quantify_objects` through the binary: flags override the config file, and an unknown key
// in it is a usage error.
// CTest label: e2e
#include <gtest/gtest.h>

#include "../report/quantify_scene.hpp"
#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {
namespace fs = std::filesystem;

TEST(QuantifyReportTest, CommandLineFlagsOverrideConfig) {
  test::TempDir dir;
  test::write_quantify_scene(dir.path());
  // The config asks for a huge minimum area; the flag brings it back to 100 px.
  core::write_file_atomic(dir / "q.yaml", "input:\n  pred_mask_dir: " + (dir / "pred").string() +
                                              "\nanalysis:\n  min_object_area: 100000\noutput:\n  generate_plots: false\n");
  std::string output;
  const std::string cmd = test::segoid_binary().string() + " quantify --config " + (dir / "q.yaml").string() +
                          " --gt-manifest " + (dir / "test.csv").string() + " --output-dir " + (dir / "out").string() +
                          " --min-object-area 100";
  ASSERT_EQ(test::run_command(cmd, &output), 0) << output;
  // Only the manifest's images are measured, as in the Python SegOid: w1 and w2 (w3 has no row).
  EXPECT_NE(output.find("2 image(s) (2 with ground truth), 3 object(s) measured"), std::string::npos) << output;
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
}  // namespace segoid::cli
