// SPDX-License-Identifier: MIT
// Times SegOid's TIFF reads and writes on a plate-sized 16-bit image against OpenCV's imread/imwrite
// of the same files (OpenCV also uses libtiff), and prints the ratios.
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include "segoid/core/rng.hpp"
#include "segoid/io/image_io.hpp"

namespace {
namespace fs = std::filesystem;

constexpr int kWidth = 1536;
constexpr int kHeight = 1408;
constexpr int kRepeats = 20;

template <typename F>
double ms_per_call(F&& call) {
  call();  // warm the page cache and the allocator
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRepeats; ++i) call();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / kRepeats;
}

/// A smooth illumination gradient with noise: compresses like a real brightfield image.
cv::Mat plate_like_image() {
  cv::Mat image(kHeight, kWidth, CV_16UC1);
  segoid::core::Rng rng(1);
  for (int row = 0; row < kHeight; ++row) {
    for (int col = 0; col < kWidth; ++col) {
      const double base = 20000.0 + 8000.0 * col / kWidth + 4000.0 * row / kHeight;
      image.at<std::uint16_t>(row, col) = static_cast<std::uint16_t>(base + rng.normal(0.0, 300.0));
    }
  }
  return image;
}

}  // namespace

int main() {
  const fs::path dir = fs::temp_directory_path() / "segoid-image-io-bench";
  fs::create_directories(dir);
  const cv::Mat image = plate_like_image();
  cv::Mat mask = cv::Mat::zeros(kHeight, kWidth, CV_8UC1);
  mask(cv::Rect(100, 100, 300, 300)).setTo(255);

  const fs::path ours = dir / "ours.tif";
  const fs::path theirs = dir / "opencv.tif";
  const double write_ours = ms_per_call([&] { segoid::io::write_gray_tiff(ours, image); });
  const std::vector<int> deflate = {cv::IMWRITE_TIFF_COMPRESSION, 8 /*Adobe Deflate*/};
  const double write_cv = ms_per_call([&] { cv::imwrite(theirs.string(), image, deflate); });
  const double read_ours = ms_per_call([&] { segoid::io::read_image(theirs); });
  const double read_cv = ms_per_call([&] { cv::imread(theirs.string(), cv::IMREAD_UNCHANGED); });
  const double mask_write = ms_per_call([&] { segoid::io::write_mask_tiff(dir / "mask.tif", mask); });
  const double mask_read = ms_per_call([&] { segoid::io::read_image(dir / "mask.tif"); });

  std::cout << "image " << kWidth << "x" << kHeight << " 16-bit, mean of " << kRepeats << " calls\n";
  std::cout << "write Deflate: segoid " << write_ours << " ms (" << fs::file_size(ours) / 1024 << " KiB, predictor)"
            << ", opencv " << write_cv << " ms (" << fs::file_size(theirs) / 1024 << " KiB)"
            << ", ratio segoid/opencv " << write_ours / write_cv << "\n";
  std::cout << "read Deflate:  segoid " << read_ours << " ms, opencv " << read_cv << " ms, ratio segoid/opencv "
            << read_ours / read_cv << "\n";
  std::cout << "mask 0/255 LZW: write " << mask_write << " ms, read " << mask_read << " ms ("
            << fs::file_size(dir / "mask.tif") / 1024 << " KiB)\n";
  fs::remove_all(dir);
  return 0;
}
