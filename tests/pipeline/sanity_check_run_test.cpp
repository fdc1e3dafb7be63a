// SPDX-License-Identifier: MIT
// The sanity check end to end: a tiny 2-epoch run writes its curve, overlays and verdict.
// CTest label: e2e
#include <gtest/gtest.h>

#include <algorithm>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/pipeline/sanity_check.hpp"
#include "test_support.hpp"
#include "tiny_sanity.hpp"

namespace segoid::pipeline {
namespace {
namespace fs = std::filesystem;

TEST(SanityCheckTest, TinyRunWritesCurveOverlaysAndVerdict) {
  test::TempDir dir;
  test::write_sanity_plates(dir.path(), "train.csv", 0, 6);
  test::write_sanity_plates(dir.path(), "val.csv", 6, 2);
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, test::tiny_sanity_config(dir.path(), ""));
  const SanityResult result = run_sanity_check(config, {});
  // data_fraction 0.5 of 6 images keeps the floor of 5.
  EXPECT_EQ(data::read_manifest(result.run_dir / "sanity_train.csv").rows.size(), 5u);
  ASSERT_EQ(result.checks.size(), 4u);
  EXPECT_TRUE(fs::exists(result.run_dir / "loss_curve.png"));
  const std::string curve = core::read_file(result.run_dir / "loss_curve.csv");
  EXPECT_EQ(std::count(curve.begin(), curve.end(), '\n'), 3);  // header + 2 epochs
  ASSERT_EQ(result.overlays.size(), 1u);  // num_overlay_samples: 1
  EXPECT_FALSE(io::read_image(result.overlays[0]).pixels.empty());
  EXPECT_TRUE(fs::exists(result.run_dir / "predictions" / "synth_plate_007_pred_mask.tif"));
  const std::string report = core::read_file(result.run_dir / "sanity_report.yaml");
  EXPECT_NE(report.find(result.go ? "verdict: GO" : "verdict: NO-GO"), std::string::npos) << report;
  // The verdict is the conjunction of the checks, and the text says which failed.
  bool all = true;
  for (const auto& check : result.checks) all = all && check.passed;
  EXPECT_EQ(result.go, all);
  const std::string text = format_sanity_result(result);
  EXPECT_NE(text.find(result.go ? "GO:" : "NO-GO:"), std::string::npos) << text;
}

// As the Python SegOid re-runs into runs/sanity_check/, an earlier sanity check in the folder is
// replaced without --force; a folder holding anything else is refused. (The runs stop at their
// missing training manifest, after the folder was prepared.)
TEST(SanityCheckTest, EarlierSanityCheckIsReplacedOtherFoldersRefused) {
  test::TempDir dir;
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, test::tiny_sanity_config(dir.path(), ""));  // train.csv does not exist
  core::write_file_atomic(dir / "sanity" / "sanity_train.csv", "basename,image_path\n");
  core::write_file_atomic(dir / "sanity" / "loss_curve.csv", "stale\n");
  EXPECT_THROW(run_sanity_check(config, {}), IoError);  // got past the folder check
  EXPECT_FALSE(fs::exists(dir / "sanity" / "loss_curve.csv")) << "the earlier check was not replaced";
  fs::remove_all(dir / "sanity");
  core::write_file_atomic(dir / "sanity" / "notes.txt", "mine\n");
  try {
    run_sanity_check(config, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir / "sanity" / "notes.txt"));
}

}  // namespace
}  // namespace segoid::pipeline
