// SPDX-License-Identifier: MIT
// Image reading dispatch (TIFF by signature to libtiff, the rest to OpenCV) and preview writing.
#include "segoid/io/image_io.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <system_error>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
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

/// PNG/JPEG/BMP through OpenCV; BGR(A) colour to gray by BT.601 luma.
Image read_with_opencv(const fs::path& path) {
  const std::string content = core::read_file(path);
  std::vector<unsigned char> bytes(content.begin(), content.end());
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
