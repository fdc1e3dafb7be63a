// SPDX-License-Identifier: MIT
// Test fixtures: TIFF files written with libtiff directly (independent of SegOid's writer).
#pragma once

#include <tiffio.h>

#include <opencv2/core.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "segoid/core/rng.hpp"

namespace segoid::test {

struct TiffFixtureOptions {
  std::uint16_t compression = COMPRESSION_NONE;
  std::uint16_t predictor = PREDICTOR_NONE;
  bool planar = false;       ///< PLANARCONFIG_SEPARATE
  bool tiled = false;        ///< 16x16 tiles
  const char* mode = "w";    ///< "w8" BigTIFF, "wb" big-endian
  std::uint16_t photometric = 0xFFFF;  ///< default: RGB for >= 3 channels, else min-is-black
  int pages = 1;             ///< extra pages repeat the image, inverted
  std::uint32_t rows_per_strip = 5;
};

/// Writes `samples` (H x W, 1-4 channels, CV_8U/16U/32F, channel order as stored) as a TIFF.
inline void write_tiff_fixture(const std::filesystem::path& path, const cv::Mat& samples,
                               const TiffFixtureOptions& options = {}) {
  TIFF* tif = TIFFOpen(path.c_str(), options.mode);
  if (tif == nullptr) throw std::runtime_error("fixture: cannot open " + path.string());
  const int channels = samples.channels();
  const int depth = samples.depth();
  const std::uint16_t bits = depth == CV_8U ? 8 : depth == CV_16U ? 16 : 32;
  const std::size_t elem = samples.elemSize1();
  std::vector<cv::Mat> planes;
  cv::split(samples, planes);
  for (int page = 0; page < options.pages; ++page) {
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(samples.cols));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(samples.rows));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(channels));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bits);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, depth == CV_32F ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
    std::uint16_t photometric = options.photometric;
    if (photometric == 0xFFFF) photometric = channels >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
    if (channels == 4 || channels == 2) {
      const std::uint16_t extra[] = {EXTRASAMPLE_UNASSALPHA};
      TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, extra);
    }
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, options.planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, options.compression);
    if (options.predictor != PREDICTOR_NONE) TIFFSetField(tif, TIFFTAG_PREDICTOR, options.predictor);
    if (options.pages > 1) TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    cv::Mat image = samples;
    if (page > 0) image = cv::Scalar::all(depth == CV_8U ? 255 : depth == CV_16U ? 65535 : 1) - samples;
    std::vector<cv::Mat> page_planes;
    cv::split(image, page_planes);
    const int plane_count = options.planar ? channels : 1;
    for (int plane = 0; plane < plane_count; ++plane) {
      const cv::Mat data = options.planar ? page_planes[plane] : image;
      const int plane_channels = options.planar ? 1 : channels;
      const std::size_t pixel_bytes = elem * plane_channels;
      if (options.tiled) {
        const std::uint32_t tile = 16;
        TIFFSetField(tif, TIFFTAG_TILEWIDTH, tile);
        TIFFSetField(tif, TIFFTAG_TILELENGTH, tile);
        std::vector<std::uint8_t> buffer(tile * tile * pixel_bytes);
        for (int y = 0; y < data.rows; y += tile) {
          for (int x = 0; x < data.cols; x += tile) {
            std::fill(buffer.begin(), buffer.end(), 0);
            for (int r = 0; r < static_cast<int>(tile) && y + r < data.rows; ++r) {
              const int cols = std::min<int>(tile, data.cols - x);
              std::memcpy(buffer.data() + r * tile * pixel_bytes, data.ptr(y + r) + x * pixel_bytes, cols * pixel_bytes);
            }
            const ttile_t index = TIFFComputeTile(tif, x, y, 0, static_cast<tsample_t>(plane));
            if (TIFFWriteEncodedTile(tif, index, buffer.data(), static_cast<tmsize_t>(buffer.size())) < 0) {
              throw std::runtime_error("fixture: tile write failed");
            }
          }
        }
      } else {
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, options.rows_per_strip);
        for (int y = 0; y < data.rows; y += static_cast<int>(options.rows_per_strip)) {
          const int rows = std::min<int>(options.rows_per_strip, data.rows - y);
          std::vector<std::uint8_t> buffer(rows * data.cols * pixel_bytes);
          for (int r = 0; r < rows; ++r) {
            std::memcpy(buffer.data() + r * data.cols * pixel_bytes, data.ptr(y + r), data.cols * pixel_bytes);
          }
          const tstrip_t strip = TIFFComputeStrip(tif, y, static_cast<tsample_t>(plane));
          if (TIFFWriteEncodedStrip(tif, strip, buffer.data(), static_cast<tmsize_t>(buffer.size())) < 0) {
            throw std::runtime_error("fixture: strip write failed");
          }
        }
      }
    }
    TIFFWriteDirectory(tif);
  }
  TIFFClose(tif);
}

/// Deterministic test pattern: H x W with `channels` channels of `depth`, covering the type's range.
inline cv::Mat pattern_image(int rows, int cols, int channels, int depth, unsigned seed = 1) {
  cv::Mat image(rows, cols, CV_MAKETYPE(depth, channels));
  core::Rng rng(seed);
  const int values = cols * channels;
  for (int row = 0; row < rows; ++row) {
    for (int i = 0; i < values; ++i) {
      if (depth == CV_8U) image.ptr<std::uint8_t>(row)[i] = static_cast<std::uint8_t>(rng.uniform_int(0, 255));
      if (depth == CV_16U) image.ptr<std::uint16_t>(row)[i] = static_cast<std::uint16_t>(rng.uniform_int(0, 65535));
      if (depth == CV_32F) image.ptr<float>(row)[i] = static_cast<float>(rng.uniform(-2.0, 3.0));
    }
  }
  return image;
}

}  // namespace segoid::test
