// SPDX-License-Identifier: MIT
// TIFF writing with libtiff: masks and float maps (Deflate, no predictor), gray images.
#include <opencv2/core.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/version.hpp"
#include "segoid/io/image_io.hpp"
#include "tiff_handle.hpp"

namespace segoid::io {
namespace fs = std::filesystem;
namespace {

/// Strips of about this many bytes compress well and keep random row access cheap.
constexpr std::size_t kStripBytes = 256 * 1024;
/// Above this many bytes of pixel data the file is written as BigTIFF (classic TIFF offsets are 32-bit).
constexpr std::size_t kBigTiffThreshold = std::size_t{3} << 30;

/// ImageJ's own description of a one-image file calibrated in µm (ImageJ's TiffEncoder writes it so).
constexpr char kImageJMicronDescription[] = "ImageJ=1.11a\nunit=micron\n";

[[noreturn]] void throw_write_error(const fs::path& path, const std::string& problem) {
  throw IoError("cannot write \"" + path.string() + "\": " + problem);
}

/// Writes a single-channel image as one-page TIFF through a temporary file renamed into place.
/// A pixel size > 0 is stored as ImageJ stores it (XResolution = YResolution = px per µm,
/// ResolutionUnit none, "unit=micron" in the description), which Fiji shows as µm and which
/// read_image and tifffile read back.
void write_tiff(const fs::path& path, const cv::Mat& image, std::uint16_t compression, std::uint16_t predictor,
                double pixel_size_um) {
  SEGOID_CHECK(image.channels() == 1 && !image.empty(), "write_tiff needs a non-empty single-channel image");
  const int depth = image.depth();
  const std::uint16_t bits = depth == CV_8U ? 8 : depth == CV_16U ? 16 : 32;
  const std::uint16_t format = depth == CV_32F ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT;
  const std::size_t row_bytes = image.cols * image.elemSize();
  const std::size_t total_bytes = row_bytes * image.rows;

  core::AtomicFile file(path);
  {
    detail::TiffHandle handle(file.temp_path(), total_bytes > kBigTiffThreshold ? "w8" : "w");
    TIFF* tif = handle.get();
    const auto rows_per_strip =
        static_cast<std::uint32_t>(std::max<std::size_t>(1, std::min<std::size_t>(image.rows, kStripBytes / row_bytes)));
    const std::string software = "SegOid " + core::version();
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(image.cols));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(image.rows));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t{1});
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bits);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, format);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
    if (predictor != PREDICTOR_NONE) TIFFSetField(tif, TIFFTAG_PREDICTOR, predictor);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
    TIFFSetField(tif, TIFFTAG_SOFTWARE, software.c_str());
    if (pixel_size_um > 0) {
      const double pixels_per_um = 1.0 / pixel_size_um;
      TIFFSetField(tif, TIFFTAG_XRESOLUTION, pixels_per_um);
      TIFFSetField(tif, TIFFTAG_YRESOLUTION, pixels_per_um);
      TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
      TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, kImageJMicronDescription);
    }
    if (!handle.messages().errors.empty()) throw_write_error(path, handle.error_text("bad TIFF tags"));

    // libtiff may modify the buffer in place (predictor, byte swapping), so each strip is copied.
    std::vector<std::uint8_t> strip_buffer(rows_per_strip * row_bytes);
    for (int row = 0; row < image.rows; row += static_cast<int>(rows_per_strip)) {
      const int rows = std::min<int>(static_cast<int>(rows_per_strip), image.rows - row);
      for (int r = 0; r < rows; ++r) {
        std::memcpy(strip_buffer.data() + r * row_bytes, image.ptr(row + r), row_bytes);
      }
      const tstrip_t strip = TIFFComputeStrip(tif, static_cast<std::uint32_t>(row), 0);
      const auto bytes = static_cast<tmsize_t>(rows * row_bytes);
      if (TIFFWriteEncodedStrip(tif, strip, strip_buffer.data(), bytes) != bytes) {
        throw_write_error(path, handle.error_text("writing strip " + std::to_string(strip) + " failed (disk full?)"));
      }
    }
    if (TIFFWriteDirectory(tif) != 1 || !handle.close()) {
      throw_write_error(path, handle.error_text("finishing the file failed (disk full?)"));
    }
  }
  file.commit();
}

}  // namespace

void write_mask_tiff(const fs::path& path, const cv::Mat& mask, double pixel_size_um) {
  SEGOID_CHECK(mask.type() == CV_8UC1, "write_mask_tiff needs a CV_8UC1 mask");
  cv::Mat binary;
  cv::compare(mask, 0, binary, cv::CMP_NE);  // any non-zero -> 255
  write_tiff(path, binary, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_NONE, pixel_size_um);
}

void write_float_tiff(const fs::path& path, const cv::Mat& image, double pixel_size_um) {
  SEGOID_CHECK(image.type() == CV_32FC1, "write_float_tiff needs a CV_32FC1 image");
  write_tiff(path, image, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_NONE, pixel_size_um);
}

void write_gray_tiff(const fs::path& path, const cv::Mat& image, double pixel_size_um) {
  SEGOID_CHECK(image.type() == CV_8UC1 || image.type() == CV_16UC1, "write_gray_tiff needs CV_8UC1 or CV_16UC1");
  write_tiff(path, image, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_HORIZONTAL, pixel_size_um);
}

}  // namespace segoid::io
