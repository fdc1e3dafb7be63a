// SPDX-License-Identifier: MIT
// libtiff message routing: errors land in the IoError of the right file, never on stderr.
#include "../src/io/tiff_handle.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"
#include "tiff_fixtures.hpp"

namespace segoid::io {
namespace {
namespace fs = std::filesystem;

TEST(TiffHandleTest, SignatureDetection) {
  test::TempDir dir;
  core::write_file_atomic(dir / "le.bin", std::string("II*\0rest", 8));
  core::write_file_atomic(dir / "be.bin", std::string("MM\0*rest", 8));
  core::write_file_atomic(dir / "big.bin", std::string("II+\0rest", 8));
  core::write_file_atomic(dir / "png.tif", "\x89PNG\r\n\x1a\n");
  core::write_file_atomic(dir / "short.tif", "II");
  EXPECT_TRUE(detail::has_tiff_signature(dir / "le.bin"));
  EXPECT_TRUE(detail::has_tiff_signature(dir / "be.bin"));
  EXPECT_TRUE(detail::has_tiff_signature(dir / "big.bin"));
  EXPECT_FALSE(detail::has_tiff_signature(dir / "png.tif"));
  EXPECT_FALSE(detail::has_tiff_signature(dir / "short.tif"));
  EXPECT_FALSE(detail::has_tiff_signature(dir / "missing.tif"));
}

TEST(TiffHandleTest, LibtiffMessagesStayOffStderr) {
  test::TempDir dir;
  core::write_file_atomic(dir / "bad.tif", std::string("II*\0\xff\xff\xff\x0f", 8) + std::string(64, 'x'));
  testing::internal::CaptureStderr();
  EXPECT_THROW(read_image(dir / "bad.tif"), IoError);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(TiffHandleTest, ConcurrentReadsKeepTheirOwnMessages) {
  test::TempDir dir;
  // Each file is damaged differently: its error must name it and carry its own libtiff text.
  const cv::Mat samples = test::pattern_image(64, 64, 1, CV_16U);
  test::TiffFixtureOptions options;
  options.compression = COMPRESSION_LZW;
  test::write_tiff_fixture(dir / "good.tif", samples, options);
  const std::string bytes = core::read_file(dir / "good.tif");
  constexpr int kThreads = 4;
  for (int t = 0; t < kThreads; ++t) {
    std::string damaged = bytes;
    for (std::size_t i = 8 + t; i < bytes.size() / 2; i += 3) damaged[i] = static_cast<char>(0x55 + t);
    core::write_file_atomic(dir / ("damaged" + std::to_string(t) + ".tif"), damaged);
  }
  std::vector<std::string> first_message(kThreads);
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const fs::path path = dir / ("damaged" + std::to_string(t) + ".tif");
      for (int round = 0; round < 25; ++round) {
        try {
          read_image(path);
          ++mismatches[t];
        } catch (const IoError& e) {
          if (round == 0) first_message[t] = e.what();
          if (e.what() != first_message[t] || first_message[t].find(path.string()) == std::string::npos) ++mismatches[t];
        }
        EXPECT_EQ(read_image(dir / "good.tif").pixels.rows, 64);  // interleaved good reads stay clean
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << first_message[t];
}

}  // namespace
}  // namespace segoid::io
