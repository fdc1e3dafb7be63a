// SPDX-License-Identifier: MIT
// End-to-end tests of `segoid synth`: files written, read back, overwrite guard, usage errors.
#include <gtest/gtest.h>

#include <string>

#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {

namespace fs = std::filesystem;

std::string synth_command(const fs::path& out, const std::string& extra) {
  return test::segoid_binary().string() + " synth --out '" + out.string() + "' " + extra;
}

TEST(CmdSynthTest, WritesRequestedPairsThatReadBack) {
  test::TempDir dir;
  std::string output;
  ASSERT_EQ(test::run_command(
                synth_command(dir.path(), "--images 3 --seed 5 --size 520x512 --bit-depth mixed"), &output),
            0)
      << output;
  EXPECT_NE(output.find("wrote 3 images (2 8-bit, 1 16-bit, 520x512 px)"), std::string::npos) << output;
  EXPECT_NE(output.find("ms/image"), std::string::npos) << output;
  for (const char* name : {"synth_plate_001", "synth_plate_002", "synth_plate_003"}) {
    const io::Image image = io::read_image(dir.path() / "working" / "images" / (std::string(name) + ".tif"));
    const io::Image mask =
        io::read_image(dir.path() / "working" / "masks" / (std::string(name) + "_mask.tif"));
    EXPECT_EQ(image.pixels.cols, 520);
    EXPECT_EQ(image.pixels.rows, 512);
    EXPECT_EQ(mask.pixels.size(), image.pixels.size());
    EXPECT_EQ(image.meta.bits_per_sample, std::string(name) == "synth_plate_002" ? 16 : 8);
    EXPECT_GT(cv::countNonZero(mask.pixels), 0) << name;
  }
  EXPECT_TRUE(fs::exists(dir.path() / "synth_truth.csv"));
  EXPECT_TRUE(fs::exists(dir.path() / "synth_config.yaml"));
}

TEST(CmdSynthTest, RefusesAnExistingSetWithoutForce) {
  test::TempDir dir;
  const std::string command = synth_command(dir.path(), "--images 1 --size 512x512");
  ASSERT_EQ(test::run_command(command), 0);
  std::string output;
  EXPECT_EQ(test::run_command(command, &output), 2);
  EXPECT_NE(output.find("--force"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(command + " --force", &output), 0) << output;
}

TEST(CmdSynthTest, BadSizeIsAUsageError) {
  test::TempDir dir;
  std::string output;
  EXPECT_EQ(test::run_command(synth_command(dir.path(), "--images 1 --size 512by512"), &output), 2);
  EXPECT_NE(output.find("--size"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(synth_command(dir.path(), "--images 1 --bit-depth 12"), &output), 2);
  EXPECT_FALSE(fs::exists(dir.path() / "working")) << "nothing written on a usage error";
}

}  // namespace
}  // namespace segoid::cli
