// SPDX-License-Identifier: MIT
// End-to-end tests of `segoid synth`: files written, read back, overwrite guard, usage errors.
// CTest label: e2e
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
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

// Splits one CSV line on commas (synth_truth.csv has no quoted fields).
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, ',');) out.push_back(field);
  return out;
}

TEST(CmdSynthTest, MixedStylesWriteReadableFilesAndATruthRowPerMaskComponent) {
  test::TempDir dir;
  std::string output;
  ASSERT_EQ(test::run_command(synth_command(dir.path(), "--images 6 --seed 3 --size 256x256 --style mixed"), &output), 0)
      << output;
  std::ifstream truth(dir.path() / "synth_truth.csv");
  std::string line;
  std::getline(truth, line);
  const std::vector<std::string> header = fields(line);
  ASSERT_EQ(header[7], "style");
  ASSERT_EQ(header[8], "file_type");
  std::map<std::string, int> rows_per_image;
  std::map<std::string, std::string> style_of, type_of;
  while (std::getline(truth, line)) {
    const auto f = fields(line);
    ++rows_per_image[f[0]];
    style_of[f[0]] = f[7];
    type_of[f[0]] = f[8];
  }
  std::set<std::string> styles;
  for (const auto& [name, style] : style_of) styles.insert(style);
  EXPECT_EQ(styles.size(), 6u) << "six consecutive mixed images hold every style";
  int images = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "working" / "images")) {
    ++images;
    const std::string name = entry.path().stem().string();
    const io::Image image = io::read_image(entry.path());
    const io::Image mask = io::read_image(dir.path() / "working" / "masks" / (name + "_mask.tif"));
    EXPECT_EQ(image.pixels.size(), cv::Size(256, 256)) << name;
    cv::Mat labels;
    const int components = cv::connectedComponents(mask.pixels != 0, labels, 8) - 1;
    EXPECT_EQ(components, rows_per_image[name]) << name;
    const std::string type = type_of[name];
    if (type == "jpeg-rgb") {
      EXPECT_EQ(entry.path().extension(), ".jpg") << name;
    }
    if (type == "float32") {
      EXPECT_EQ(image.pixels.depth(), CV_32F) << name;
    }
    if (type == "uint12in16" || type == "uint16") {
      EXPECT_EQ(image.pixels.depth(), CV_16U) << name;
    }
    if (type == "uint8") {
      EXPECT_EQ(image.pixels.depth(), CV_8U) << name;
    }
  }
  EXPECT_EQ(images, 6);
}

TEST(CmdSynthTest, UnknownStyleIsAConfigErrorListingTheStyles) {
  test::TempDir dir;
  std::string output;
  EXPECT_EQ(test::run_command(synth_command(dir.path(), "--images 1 --style darkfield"), &output), 2);
  EXPECT_NE(output.find("darkfield"), std::string::npos) << output;
  EXPECT_NE(output.find("phase-contrast"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::cli
