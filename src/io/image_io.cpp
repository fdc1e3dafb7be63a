// SPDX-License-Identifier: MIT
// Image reading dispatch (TIFF by signature to libtiff, the rest to OpenCV) and preview writing.
#include "segoid/io/image_io.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "tiff_handle.hpp"

namespace segoid::io {
namespace fs = std::filesystem;
namespace {

void check_readable(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) detail::throw_read_error(path, "no such file");
  if (fs::is_directory(status)) detail::throw_read_error(path, "is a folder, not an image");
  if (fs::file_size(path, ec) == 0) detail::throw_read_error(path, "empty file (0 bytes)");
}

/// A JPEG cut short still decodes (libjpeg fills the rest with gray and only warns), so a missing
/// end-of-image marker after the last start-of-scan is treated as truncation. In entropy-coded data
/// every 0xFF byte is stuffed, so 0xFFD9 there can only be the real marker.
bool jpeg_is_complete(const std::vector<unsigned char>& bytes) {
  std::size_t last_sos = 0;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xDA) last_sos = i;
  }
  for (std::size_t i = last_sos; i + 1 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9) return last_sos != 0;
  }
  return false;
}

std::uint32_t big_endian(const std::vector<unsigned char>& b, std::size_t at, int n) {
  std::uint32_t value = 0;
  for (int i = 0; i < n; ++i) value = (value << 8) | b[at + i];
  return value;
}

/// Size a PNG, JPEG or BMP header claims, so that a huge claim is refused before OpenCV allocates.
/// `found` stays false for other formats (OpenCV's own CV_IO_MAX_IMAGE_PIXELS applies to those).
struct ClaimedSize {
  bool found = false;
  std::uint64_t width = 0, height = 0, samples = 1;
  int bits = 8;
};

ClaimedSize claimed_size(const std::vector<unsigned char>& b) {
  ClaimedSize size;
  static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 26 && std::equal(kPng, kPng + 8, b.begin()) && std::equal(b.begin() + 12, b.begin() + 16, "IHDR")) {
    constexpr int kSamplesByColourType[7] = {1, 0, 3, 3, 2, 0, 4};
    size.found = true;
    size.width = big_endian(b, 16, 4);
    size.height = big_endian(b, 20, 4);
    size.bits = b[24];
    size.samples = b[25] < 7 && kSamplesByColourType[b[25]] > 0 ? kSamplesByColourType[b[25]] : 4;
    return size;
  }
  if (b.size() > 3 && b[0] == 0xFF && b[1] == 0xD8) {
    // Walk the marker segments up to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
    for (std::size_t i = 2; i + 9 < b.size();) {
      if (b[i] != 0xFF) break;
      const unsigned char marker = b[i + 1];
      if (marker == 0xFF) { ++i; continue; }
      if (marker == 0xDA || marker == 0xD9) break;
      const std::size_t length = big_endian(b, i + 2, 2);
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        size.found = true;
        size.bits = b[i + 4];
        size.height = big_endian(b, i + 5, 2);
        size.width = big_endian(b, i + 7, 2);
        size.samples = b[i + 9];
        return size;
      }
      if (length < 2) break;
      i += 2 + length;
    }
    return size;
  }
  if (b.size() >= 30 && b[0] == 'B' && b[1] == 'M') {
    auto little = [&b](std::size_t at) {
      return static_cast<std::int32_t>(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (std::uint32_t{b[at + 3]} << 24));
    };
    size.found = true;
    size.width = static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(little(18))));
    size.height = static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(little(22))));
    size.samples = 4;
    size.bits = 8;
  }
  return size;
}

/// PNG/JPEG/BMP through OpenCV; BGR(A) colour to gray by BT.601 luma.
Image read_with_opencv(const fs::path& path) {
  const std::string content = core::read_file(path);
  std::vector<unsigned char> bytes(content.begin(), content.end());
  const ClaimedSize claim = claimed_size(bytes);
  // Only the formats whose headers are checked above reach OpenCV: its other decoders (JPEG 2000,
  // NITF through GDAL, EXR, ...) would allocate whatever their headers claim (seen by fuzz_image).
  if (!claim.found) {
    const bool jpeg_start = bytes.size() > 1 && bytes[0] == 0xFF && bytes[1] == 0xD8;
    detail::throw_read_error(path, jpeg_start ? "not a readable image: a JPEG without a frame header"
                                              : "not a readable image: no TIFF, PNG, JPEG or BMP signature");
  }
  const std::string problem = detail::image_size_problem(claim.width, claim.height, claim.samples, claim.bits);
  if (!problem.empty()) detail::throw_read_error(path, problem);
  const bool is_jpeg = bytes.size() > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
  if (is_jpeg && !jpeg_is_complete(bytes)) detail::throw_read_error(path, "truncated JPEG (no end-of-image marker)");
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    detail::throw_read_error(path, "corrupt image (" + std::string(e.what()) + ")");
  }
  if (decoded.empty()) detail::throw_read_error(path, "not a readable image (unknown format or corrupt data)");
  const int depth = decoded.depth();
  if (depth != CV_8U && depth != CV_16U && depth != CV_32F) {
    detail::throw_read_error(path, "unsupported pixel depth (OpenCV depth " + std::to_string(depth) + ")");
  }
  Image image;
  image.meta.path = path;
  image.meta.width = decoded.cols;
  image.meta.height = decoded.rows;
  image.meta.channels = decoded.channels();
  image.meta.bits_per_sample = depth == CV_8U ? 8 : depth == CV_16U ? 16 : 32;
  image.meta.is_float = depth == CV_32F;
  switch (decoded.channels()) {
    case 1: image.pixels = decoded; break;
    case 2: cv::extractChannel(decoded, image.pixels, 0); break;  // gray + alpha
    case 3:
    case 4: image.pixels = detail::luma_bt601(decoded, /*bgr=*/true); break;
    default: detail::throw_read_error(path, std::to_string(decoded.channels()) + " channels");
  }
  return image;
}

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

namespace detail {

std::string image_size_problem(std::uint64_t width, std::uint64_t height, std::uint64_t samples, int bits) {
  const std::uint64_t limit = core::input_limits().max_image_pixels;
  // Each factor fits in 32 bits, so the product of any two cannot overflow; compare stepwise.
  const std::uint64_t area = width * height;
  const bool too_large = (samples > 0 && area > limit / samples) || area > limit;
  if (!too_large) return {};
  const double gigabytes = static_cast<double>(area) * static_cast<double>(samples) * std::max(bits, 1) / 8.0 / 1e9;
  char text[256];
  std::snprintf(text, sizeof(text),
                "header claims %llux%llu pixels x %llu samples of %d bits (%.1f GB), over the limit of %llu "
                "pixels x samples (segoid --max-image-pixels); refused before decoding",
                static_cast<unsigned long long>(width), static_cast<unsigned long long>(height),
                static_cast<unsigned long long>(samples), bits, gigabytes, static_cast<unsigned long long>(limit));
  return text;
}

cv::Mat luma_bt601(const cv::Mat& colour, bool bgr) {
  SEGOID_CHECK(colour.channels() >= 3, "luma_bt601 needs at least 3 channels");
  constexpr float kRed = 0.299F, kGreen = 0.587F, kBlue = 0.114F;
  cv::Mat weights = cv::Mat::zeros(1, colour.channels(), CV_32F);  // extra channels (alpha) weigh 0
  weights.at<float>(0) = bgr ? kBlue : kRed;
  weights.at<float>(1) = kGreen;
  weights.at<float>(2) = bgr ? kRed : kBlue;
  cv::Mat gray;
  cv::transform(colour, gray, weights);  // float arithmetic, saturate_cast rounding to the depth
  return gray;
}

}  // namespace detail

Image read_image(const fs::path& path) {
  check_readable(path);
  if (detail::has_tiff_signature(path)) return detail::read_tiff(path, /*header_only=*/false);
  return read_with_opencv(path);
}

ImageMeta read_image_meta(const fs::path& path) {
  check_readable(path);
  if (detail::has_tiff_signature(path)) return detail::read_tiff(path, /*header_only=*/true).meta;
  // OpenCV has no header-only API; decoding is the honest way to know the file is readable.
  return read_with_opencv(path).meta;
}

void write_preview(const fs::path& path, const cv::Mat& image) {
  SEGOID_CHECK(image.depth() == CV_8U && (image.channels() == 1 || image.channels() == 3),
               "write_preview needs an 8-bit gray or BGR image");
  const std::string ext = lower_extension(path);
  if (ext != ".png" && ext != ".jpg" && ext != ".jpeg") {
    throw IoError("cannot write \"" + path.string() + "\": preview must be .png, .jpg or .jpeg");
  }
  std::vector<unsigned char> bytes;
  if (!cv::imencode(ext, image, bytes)) throw IoError("cannot write \"" + path.string() + "\": encoding failed");
  core::write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

bool is_image_file(const fs::path& path) {
  static const std::vector<std::string> kExtensions = {".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp"};
  const std::string ext = lower_extension(path);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

}  // namespace segoid::io
