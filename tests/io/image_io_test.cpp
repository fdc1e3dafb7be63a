// SPDX-License-Identifier: MIT
// read_image against an independent writer (Python tifffile, OpenCV) and on the shared real files.
#include "segoid/io/image_io.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "test_support.hpp"
#include "tiff_fixtures.hpp"

namespace segoid::io {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

/// Writes TIFFs with tifffile plus the expected gray pixels as raw little-endian bytes (".raw").
/// Colour cases store BT.601 luma computed by numpy in float64 (rounded for integer types).
constexpr const char* kTifffileScript = R"PY(
import sys, numpy as np, tifffile
out = sys.argv[1]
rng = np.random.default_rng(7)
def luma(rgb):
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
def save(name, data, expected, **kw):
    tifffile.imwrite(f"{out}/{name}.tif", data, **kw)
    expected.astype(expected.dtype.newbyteorder('<')).tofile(f"{out}/{name}.raw")
g16 = rng.integers(0, 65536, (61, 47), dtype=np.uint16)
save("zlib16", g16, g16, compression="zlib")
save("zlib16_pred", g16, g16, compression="zlib", predictor=True)
rgb8 = rng.integers(0, 256, (3, 30, 41), dtype=np.uint8)
save("planar_rgb8", rgb8, np.round(luma(np.moveaxis(rgb8, 0, -1).astype(np.float64))).astype(np.uint8),
     photometric="rgb", planarconfig="separate")
f32 = rng.normal(0.5, 0.3, (50, 70)).astype(np.float32)
save("tiled_f32", f32, f32, tile=(16, 32), compression="zlib")
save("bigtiff16", g16, g16, bigtiff=True)
rgba16 = rng.integers(0, 65536, (20, 25, 4), dtype=np.uint16)
save("rgba16", rgba16, np.round(luma(rgba16.astype(np.float64))).astype(np.uint16), photometric="rgb",
     extrasamples=["unassalpha"])
be = g16.astype(">u2")
save("bigendian16", be, g16, byteorder=">")
stack = rng.integers(0, 256, (3, 16, 16), dtype=np.uint8)
save("stack3", stack, stack[0], photometric="minisblack")
)PY";

cv::Mat read_raw(const fs::path& path, int rows, int cols, int type) {
  const std::string bytes = core::read_file(path);
  cv::Mat out(rows, cols, type);
  EXPECT_EQ(bytes.size(), out.total() * out.elemSize()) << path;
  std::memcpy(out.data, bytes.data(), std::min(bytes.size(), out.total() * out.elemSize()));
  return out;
}

TEST(ImageIoTest, ReadsTifffileOutput) {
  if (!test::python_has("numpy tifffile")) GTEST_SKIP() << "/usr/bin/python3 with numpy and tifffile missing";
  TempDir dir;
  {
    std::ofstream script(dir / "make.py");
    script << kTifffileScript;
  }
  ASSERT_EQ(test::run_command("/usr/bin/python3 '" + (dir / "make.py").string() + "' '" + dir.path().string() + "'"), 0);
  struct Case {
    const char* name;
    int rows, cols, type, channels, pages;
    double tolerance;
  };
  const Case cases[] = {
      {"zlib16", 61, 47, CV_16UC1, 1, 1, 0.0},       {"zlib16_pred", 61, 47, CV_16UC1, 1, 1, 0.0},
      {"planar_rgb8", 30, 41, CV_8UC1, 3, 1, 1.0},   {"tiled_f32", 50, 70, CV_32FC1, 1, 1, 0.0},
      {"bigtiff16", 61, 47, CV_16UC1, 1, 1, 0.0},    {"rgba16", 20, 25, CV_16UC1, 4, 1, 1.0},
      {"bigendian16", 61, 47, CV_16UC1, 1, 1, 0.0},  {"stack3", 16, 16, CV_8UC1, 1, 3, 0.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Image image = read_image(dir / (std::string(c.name) + ".tif"));
    ASSERT_EQ(image.pixels.type(), c.type);
    ASSERT_EQ(image.pixels.size(), cv::Size(c.cols, c.rows));
    EXPECT_EQ(image.meta.channels, c.channels);
    EXPECT_EQ(image.meta.pages, c.pages);
    const cv::Mat expected = read_raw(dir / (std::string(c.name) + ".raw"), c.rows, c.cols, c.type);
    EXPECT_LE(cv::norm(image.pixels, expected, cv::NORM_INF), c.tolerance);
  }
  // tifffile puts the directory before the pixels, so a cut keeps the header and loses strips.
  const std::string bytes = core::read_file(dir / "zlib16.tif");
  core::write_file_atomic(dir / "zlib16 cut.tif", bytes.substr(0, bytes.size() / 2));
  try {
    read_image(dir / "zlib16 cut.tif");
    FAIL() << "truncated file was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("zlib16 cut.tif"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(ImageIoTest, OpenCvFormatsBecomeGray) {
  TempDir dir;
  const cv::Mat bgr = test::pattern_image(21, 17, 3, CV_8U);
  cv::Mat expected_gray;
  cv::cvtColor(bgr, expected_gray, cv::COLOR_BGR2GRAY);
  ASSERT_TRUE(cv::imwrite((dir / "colour.png").string(), bgr));
  ASSERT_TRUE(cv::imwrite((dir / "colour.bmp").string(), bgr));
  EXPECT_EQ(cv::norm(read_image(dir / "colour.png").pixels, expected_gray, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(read_image(dir / "colour.bmp").pixels, expected_gray, cv::NORM_INF), 0.0);
  const cv::Mat gray16 = test::pattern_image(9, 13, 1, CV_16U);
  ASSERT_TRUE(cv::imwrite((dir / "gray16.png").string(), gray16));
  const Image png16 = read_image(dir / "gray16.png");
  EXPECT_EQ(png16.meta.bits_per_sample, 16);
  EXPECT_EQ(cv::norm(png16.pixels, gray16, cv::NORM_INF), 0.0);
  EXPECT_EQ(read_image_meta(dir / "colour.png").channels, 3);
}

TEST(ImageIoTest, TruncatedJpegIsAnError) {
  TempDir dir;
  const cv::Mat bgr = test::pattern_image(64, 64, 3, CV_8U);
  std::vector<unsigned char> bytes;
  ASSERT_TRUE(cv::imencode(".jpg", bgr, bytes));
  core::write_file_atomic(dir / "whole.jpg", std::string(bytes.begin(), bytes.end()));
  EXPECT_EQ(read_image(dir / "whole.jpg").pixels.size(), cv::Size(64, 64));
  core::write_file_atomic(dir / "cut.jpg", std::string(bytes.begin(), bytes.begin() + bytes.size() * 2 / 3));
  EXPECT_THROW(read_image(dir / "cut.jpg"), IoError);
}

TEST(ImageIoTest, FormatsWithoutCheckedHeadersNeverReachOpenCV) {
  // OpenCV reads them (PGM here; JPEG 2000, NITF, EXR alike), but SegOid checks no size limit in
  // their headers, so they are refused by signature before any decoder runs.
  TempDir dir;
  const cv::Mat gray = test::pattern_image(32, 24, 1, CV_8U);
  std::vector<unsigned char> bytes;
  ASSERT_TRUE(cv::imencode(".pgm", gray, bytes));
  ASSERT_FALSE(cv::imdecode(bytes, cv::IMREAD_UNCHANGED).empty());  // OpenCV itself would decode it
  core::write_file_atomic(dir / "plate.png", std::string(bytes.begin(), bytes.end()));
  for (const auto& read : {+[](const fs::path& p) { (void)read_image(p); },
                           +[](const fs::path& p) { (void)read_image_meta(p); }}) {
    try {
      read(dir / "plate.png");
      FAIL() << "a PGM was read";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("plate.png"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("no TIFF, PNG, JPEG or BMP signature"), std::string::npos) << e.what();
    }
  }
}

/// A PNG whose IHDR claims `width` x `height` 16-bit gray pixels, with a few bytes of real data.
std::string png_claiming(std::uint32_t width, std::uint32_t height) {
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  const std::string ihdr = be32(width) + be32(height) + std::string("\x10\x00\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + ihdr + be32(0) + be32(0) + "IEND" + be32(0);
}

TEST(ImageIoTest, HeaderClaimingHugeImageIsRefusedBeforeDecoding) {
  test::TempDir tmp;
  const fs::path png = tmp / "bomb.png";
  std::ofstream(png, std::ios::binary) << png_claiming(100000, 100000);
  // A TIFF IFD claiming 100000 x 100000 16-bit pixels in one 2 GB strip, in a 120-byte file.
  std::string tiff("II*\x00\x08\x00\x00\x00", 8);
  auto le = [&tiff](std::uint64_t v, int n) { for (int i = 0; i < n; ++i) tiff.push_back(static_cast<char>(v >> (8 * i))); };
  const std::vector<std::array<std::uint32_t, 3>> tags = {{256, 4, 100000}, {257, 4, 100000}, {258, 3, 16}, {259, 3, 1},
                                                          {262, 3, 1}, {273, 4, 8}, {277, 3, 1}, {278, 4, 100000},
                                                          {279, 4, 2000000000}};
  le(tags.size(), 2);
  for (const auto& [tag, type, value] : tags) { le(tag, 2); le(type, 2); le(1, 4); le(value, 4); }
  le(0, 4);
  const fs::path tif = tmp / "bomb.tif";
  std::ofstream(tif, std::ios::binary) << tiff;
  for (const fs::path& path : {png, tif}) {
    try {
      read_image(path);
      FAIL() << "accepted " << path;
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("\"" + path.string() + "\""), std::string::npos) << what;
      EXPECT_NE(what.find("100000x100000 pixels"), std::string::npos) << what;
      EXPECT_NE(what.find("--max-image-pixels"), std::string::npos) << what;
    }
  }
}

TEST(ImageIoTest, ImageLimitIsConfigurable) {
  test::TempDir tmp;
  const fs::path png = tmp / "small.png";
  ASSERT_TRUE(cv::imwrite(png.string(), cv::Mat(12, 17, CV_8UC1, cv::Scalar(7))));
  EXPECT_EQ(read_image(png).pixels.size(), cv::Size(17, 12));
  const core::InputLimits defaults = core::input_limits();
  core::InputLimits tight = defaults;
  tight.max_image_pixels = 100;
  core::set_input_limits(tight);
  EXPECT_THROW(read_image(png), IoError);
  core::set_input_limits(defaults);
  EXPECT_NO_THROW(read_image(png));
}

TEST(ImageIoTest, IsImageFileByExtension) {
  EXPECT_TRUE(is_image_file("a/b.TIF"));
  EXPECT_TRUE(is_image_file("x.tiff"));
  EXPECT_TRUE(is_image_file("x.JPeg"));
  EXPECT_TRUE(is_image_file("x.bmp"));
  EXPECT_FALSE(is_image_file("x.csv"));
  EXPECT_FALSE(is_image_file("tif"));
}

TEST(ImageIoTest, WritePreviewIsReadable) {
  TempDir dir;
  const cv::Mat gray = test::pattern_image(10, 12, 1, CV_8U);
  write_preview(dir / "sub" / "p.png", gray);
  EXPECT_EQ(cv::norm(read_image(dir / "sub" / "p.png").pixels, gray, cv::NORM_INF), 0.0);
  EXPECT_THROW(write_preview(dir / "p.gif", gray), IoError);
}

/// Dumps every real TIFF in `folder` as tifffile reads it (gray by float64 BT.601 luma, rounded)
/// to "<dir>/<stem>.raw" plus "<stem>.shape"; false when python is unavailable.
bool dump_with_tifffile(const fs::path& folder, const fs::path& dir) {
  if (!test::python_has("numpy tifffile")) return false;
  const std::string script =
      "import sys, glob, os, numpy as np, tifffile\n"
      "for f in glob.glob(os.path.join(sys.argv[1], '*.tif*')):\n"
      "    a = tifffile.imread(f)\n"
      "    if a.ndim == 3: a = np.round(a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114).astype(a.dtype)\n"
      "    stem = os.path.join(sys.argv[2], os.path.splitext(os.path.basename(f))[0])\n"
      "    a.astype(a.dtype.newbyteorder('<')).tofile(stem + '.raw')\n"
      "    open(stem + '.shape', 'w').write(f'{a.shape[0]} {a.shape[1]}')\n";
  core::write_file_atomic(dir / "dump.py", script);
  return test::run_command("/usr/bin/python3 '" + (dir / "dump.py").string() + "' '" + folder.string() + "' '" +
                           dir.string() + "'") == 0;
}

/// Checks every TIFF in `folder` against tifffile's pixels; skips the test (called last in it)
/// when /usr/bin/python3 has no numpy and tifffile.
void expect_matches_tifffile(const fs::path& folder, double tolerance) {
  TempDir dir;
  if (!dump_with_tifffile(folder, dir.path())) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".tif" && ext != ".tiff") continue;
    const Image image = read_image(entry.path());
    std::istringstream shape(core::read_file(dir / (entry.path().stem().string() + ".shape")));
    int rows = 0, cols = 0;
    shape >> rows >> cols;
    ASSERT_EQ(image.pixels.size(), cv::Size(cols, rows)) << entry.path();
    const cv::Mat expected = read_raw(dir / (entry.path().stem().string() + ".raw"), rows, cols, image.pixels.type());
    EXPECT_LE(cv::norm(image.pixels, expected, cv::NORM_INF), tolerance) << entry.path();
  }
}

TEST(ImageIoTest, RealSpheroidCrops16Bit) {
  const fs::path root = test::shared_real_data_dir();
  if (root.empty()) GTEST_SKIP() << "../shared/data/real not present";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(root / "spheroid-crops-uint16")) {
    if (!is_image_file(entry.path())) continue;
    const Image image = read_image(entry.path());
    EXPECT_EQ(image.pixels.type(), CV_16UC1) << entry.path();
    // 150 x 150 crops, one of them cut at the image border (150 x 145).
    EXPECT_EQ(image.pixels.cols, 150) << entry.path();
    EXPECT_GE(image.pixels.rows, 140) << entry.path();
    double lo = 0, hi = 0;
    cv::minMaxLoc(image.pixels, &lo, &hi);
    EXPECT_LT(lo, hi) << entry.path();  // a real brightfield crop is never constant
    ++checked;
  }
  EXPECT_EQ(checked, 50);
  expect_matches_tifffile(root / "spheroid-crops-uint16", 0.0);
}

TEST(ImageIoTest, RealWholeWellRgbTiffAndJpeg) {
  const fs::path root = test::shared_real_data_dir();
  if (root.empty()) GTEST_SKIP() << "../shared/data/real not present";
  int tiffs = 0, jpegs = 0;
  for (const auto& entry : fs::directory_iterator(root / "whole-well-rgb")) {
    if (!is_image_file(entry.path())) continue;
    const Image image = read_image(entry.path());
    const bool is_tiff = entry.path().extension() == ".tif";
    EXPECT_EQ(image.pixels.type(), CV_8UC1);
    EXPECT_EQ(image.meta.channels, 3);
    EXPECT_EQ(image.pixels.size(), is_tiff ? cv::Size(1920, 1080) : cv::Size(2496, 2496)) << entry.path();
    const double mean = cv::mean(image.pixels)[0];
    EXPECT_GT(mean, 10.0) << entry.path();
    EXPECT_LT(mean, 245.0) << entry.path();
    (is_tiff ? tiffs : jpegs)++;
  }
  EXPECT_EQ(tiffs, 2);
  EXPECT_EQ(jpegs, 3);
  expect_matches_tifffile(root / "whole-well-rgb", 1.0);
}

}  // namespace
}  // namespace segoid::io
