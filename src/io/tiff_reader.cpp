// SPDX-License-Identifier: MIT
// TIFF reading with libtiff: strips or tiles, chunky or planar, 1/8/16-bit uint and 32-bit float.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <regex>
#include <vector>

#include "segoid/core/error.hpp"
#include "tiff_handle.hpp"

namespace segoid::io::detail {
namespace fs = std::filesystem;
namespace {

struct Layout {
  std::uint32_t width = 0, height = 0;
  std::uint16_t samples = 1, bits = 8, format = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG;
  std::uint16_t photometric = PHOTOMETRIC_MINISBLACK, compression = COMPRESSION_NONE;
  bool tiled = false;
  std::uint32_t tile_width = 0, tile_height = 0, rows_per_strip = 0;
};

template <typename T>
T tag_or(TIFF* tif, ttag_t tag, T fallback) {
  T value = fallback;
  return TIFFGetFieldDefaulted(tif, tag, &value) == 1 ? value : fallback;
}

/// µm per pixel from XResolution/ResolutionUnit, or from ImageJ's "unit=" description when the
/// TIFF unit is "none" (ImageJ stores pixels per µm there). 0 when unknown.
double pixel_size_um(TIFF* tif) {
  float xres = 0.0F;
  if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) != 1 || !(xres > 0.0F)) return 0.0;
  const auto unit = tag_or<std::uint16_t>(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  if (unit == RESUNIT_CENTIMETER) return 1e4 / xres;
  char* description = nullptr;
  if (unit == RESUNIT_NONE && TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &description) == 1 &&
      description != nullptr) {
    static const std::regex kUnit(R"(unit=(micron|um|µm|\\u00B5m|nm|mm|cm)(?:\s|$))");
    std::cmatch match;
    if (!std::regex_search(description, match, kUnit)) return 0.0;
    const std::string unit_name = match[1].str();
    const double um_per_unit = unit_name == "nm" ? 1e-3 : unit_name == "mm" ? 1e3 : unit_name == "cm" ? 1e4 : 1.0;
    return um_per_unit / xres;
  }
  // Inch is the TIFF default and what most writers leave when they know nothing; 72 dpi and
  // similar screen resolutions carry no physical meaning.
  if (unit == RESUNIT_INCH && xres > 1000.0F) return 25400.0 / xres;
  return 0.0;
}

Layout read_layout(TIFF* tif) {
  Layout layout;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &layout.width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &layout.height);
  layout.samples = tag_or<std::uint16_t>(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  layout.bits = tag_or<std::uint16_t>(tif, TIFFTAG_BITSPERSAMPLE, 1);
  layout.format = tag_or<std::uint16_t>(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
  layout.planar = tag_or<std::uint16_t>(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  layout.compression = tag_or<std::uint16_t>(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
  layout.photometric = tag_or<std::uint16_t>(
      tif, TIFFTAG_PHOTOMETRIC, layout.samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
  layout.tiled = TIFFIsTiled(tif) != 0;
  if (layout.tiled) {
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &layout.tile_width);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &layout.tile_height);
  } else {
    layout.rows_per_strip = std::min(tag_or<std::uint32_t>(tif, TIFFTAG_ROWSPERSTRIP, layout.height), layout.height);
  }
  return layout;
}

/// Reason the layout cannot be decoded into an Image, or empty when it can.
std::string unsupported_reason(const Layout& l) {
  if (l.width == 0 || l.height == 0) {
    return "zero-sized image (" + std::to_string(l.width) + "x" + std::to_string(l.height) + ")";
  }
  // A corrupt or hostile header claiming more must not exhaust memory: refused before decoding.
  const std::string too_large = image_size_problem(l.width, l.height, l.samples, l.bits);
  if (!too_large.empty()) return too_large;
  if (l.samples == 0 || l.samples > 8) return std::to_string(l.samples) + " samples per pixel";
  const bool uint_ok = (l.format == SAMPLEFORMAT_UINT || l.format == SAMPLEFORMAT_VOID) &&
                       (l.bits == 1 || l.bits == 8 || l.bits == 16);
  const bool float_ok = l.format == SAMPLEFORMAT_IEEEFP && l.bits == 32;
  if (!uint_ok && !float_ok) {
    const char* kind = l.format == SAMPLEFORMAT_INT ? "signed integer" : l.format == SAMPLEFORMAT_IEEEFP ? "float" : "unsigned";
    return std::to_string(l.bits) + "-bit " + kind + " samples (supported: 1/8/16-bit unsigned, 32-bit float)";
  }
  if (l.bits == 1 && l.samples != 1) return "1-bit samples with more than one channel";
  if (l.tiled && (l.tile_width == 0 || l.tile_height == 0)) return "tile size of 0";
  if (l.tiled) {
    // One tile buffer is allocated whole: a tile header alone must not force a giant allocation.
    const std::string tile_too_large = image_size_problem(l.tile_width, l.tile_height, l.samples, l.bits);
    if (!tile_too_large.empty()) return "tile " + tile_too_large;
  }
  if (!l.tiled && l.rows_per_strip == 0) return "0 rows per strip";
  if (TIFFIsCODECConfigured(l.compression) == 0) {
    return "compression scheme " + std::to_string(l.compression) + " is not available in this libtiff build";
  }
  return {};
}

std::size_t packed_bytes(std::uint64_t values, int bits) { return static_cast<std::size_t>((values * bits + 7) / 8); }

/// Decodes one plane (all samples when chunky, sample `plane` when planar) into `raw`: height
/// rows of `row_bytes` each, written in place (no intermediate copy: page faults on fresh
/// buffers cost as much as the decompression). Every strip/tile read is checked: a short or
/// failed read is an error.
void decode_plane(const TiffHandle& handle, const Layout& l, std::uint16_t plane, std::size_t row_bytes,
                  std::uint8_t* raw, const fs::path& path) {
  TIFF* tif = handle.get();
  const int plane_samples = l.planar == PLANARCONFIG_CONTIG ? l.samples : 1;
  if (!l.tiled) {
    for (std::uint32_t row = 0; row < l.height; row += l.rows_per_strip) {
      const std::uint32_t rows = std::min(l.rows_per_strip, l.height - row);
      const tmsize_t expected = static_cast<tmsize_t>(rows * row_bytes);
      const tstrip_t strip = TIFFComputeStrip(tif, row, plane);
      const tmsize_t got = TIFFReadEncodedStrip(tif, strip, raw + row * row_bytes, expected);
      if (got != expected || handle.has_errors()) {
        throw_read_error(path, "strip " + std::to_string(strip) + " is corrupt or truncated (" +
                                   handle.error_text("got " + std::to_string(got) + " of " +
                                                     std::to_string(expected) + " bytes") + ")");
      }
    }
    return;
  }
  const tmsize_t tile_bytes = TIFFTileSize(tif);
  const std::size_t tile_row_bytes = packed_bytes(std::uint64_t{l.tile_width} * plane_samples, l.bits);
  if (tile_bytes <= 0 || static_cast<std::size_t>(tile_bytes) < tile_row_bytes * l.tile_height) {
    throw_read_error(path, "inconsistent tile size");
  }
  std::vector<std::uint8_t> tile(static_cast<std::size_t>(tile_bytes));
  for (std::uint32_t y = 0; y < l.height; y += l.tile_height) {
    for (std::uint32_t x = 0; x < l.width; x += l.tile_width) {
      const ttile_t index = TIFFComputeTile(tif, x, y, 0, plane);
      const tmsize_t got = TIFFReadEncodedTile(tif, index, tile.data(), tile_bytes);
      if (got != tile_bytes || handle.has_errors()) {
        throw_read_error(path, "tile " + std::to_string(index) + " is corrupt or truncated (" +
                                   handle.error_text("got " + std::to_string(got) + " of " +
                                                     std::to_string(tile_bytes) + " bytes") + ")");
      }
      const std::uint32_t rows = std::min(l.tile_height, l.height - y);
      const std::size_t offset = packed_bytes(std::uint64_t{x} * plane_samples, l.bits);
      const std::size_t bytes = std::min(tile_row_bytes, row_bytes - offset);
      for (std::uint32_t r = 0; r < rows; ++r) {
        std::memcpy(raw + (y + r) * row_bytes + offset, tile.data() + r * tile_row_bytes, bytes);
      }
    }
  }
}

int cv_depth(const Layout& l) {
  if (l.bits == 32) return CV_32F;
  return l.bits == 16 ? CV_16U : CV_8U;
}

/// Decoded samples as an H x W Mat with one channel per sample.
cv::Mat decode_samples(const TiffHandle& handle, const Layout& l, const fs::path& path) {
  const int rows = static_cast<int>(l.height);
  const int cols = static_cast<int>(l.width);
  if (l.bits == 1) {
    const std::size_t row_bytes = packed_bytes(l.width, 1);
    std::vector<std::uint8_t> raw(row_bytes * l.height);
    decode_plane(handle, l, 0, row_bytes, raw.data(), path);
    // Bilevel: a set bit becomes 255 (raw value, whatever the photometric says, like tifffile).
    cv::Mat out(rows, cols, CV_8UC1);
    for (int row = 0; row < rows; ++row) {
      const std::uint8_t* src = raw.data() + row * row_bytes;
      auto* dst = out.ptr<std::uint8_t>(row);
      for (int col = 0; col < cols; ++col) dst[col] = ((src[col >> 3] >> (7 - (col & 7))) & 1) != 0 ? 255 : 0;
    }
    return out;
  }
  if (l.planar == PLANARCONFIG_CONTIG || l.samples == 1) {
    cv::Mat out(rows, cols, CV_MAKETYPE(cv_depth(l), l.samples));  // continuous: row stride = row bytes
    decode_plane(handle, l, 0, out.step[0], out.data, path);
    return out;
  }
  std::vector<cv::Mat> planes;
  for (std::uint16_t sample = 0; sample < l.samples; ++sample) {
    planes.emplace_back(rows, cols, CV_MAKETYPE(cv_depth(l), 1));
    decode_plane(handle, l, sample, planes.back().step[0], planes.back().data, path);
  }
  cv::Mat merged;
  cv::merge(planes, merged);
  return merged;
}

/// Colour layouts libtiff can only give as 8-bit RGBA (YCbCr, CMYK, CIE Lab, old JPEG...).
cv::Mat decode_rgba(const TiffHandle& handle, const Layout& l, const fs::path& path) {
  cv::Mat rgba(static_cast<int>(l.height), static_cast<int>(l.width), CV_8UC4);
  if (TIFFReadRGBAImageOriented(handle.get(), l.width, l.height, rgba.ptr<std::uint32_t>(), ORIENTATION_TOPLEFT,
                                /*stop_on_error=*/1) != 1 ||
      handle.has_errors()) {
    throw_read_error(path, "cannot decode photometric " + std::to_string(l.photometric) + " (" +
                               handle.error_text("corrupt data") + ")");
  }
  // TIFFRGBA packs R in the lowest byte, so on little-endian hosts the bytes are R,G,B,A.
  return luma_bt601(rgba, /*bgr=*/false);
}

cv::Mat to_gray(const cv::Mat& samples, const Layout& l, const fs::path& path) {
  if (samples.channels() == 1) return samples;
  if (l.photometric == PHOTOMETRIC_RGB && samples.channels() >= 3) return luma_bt601(samples, /*bgr=*/false);
  spdlog::warn("\"{}\" has {} samples per pixel (photometric {}); using the first", path.string(), l.samples,
               l.photometric);
  cv::Mat first;
  cv::extractChannel(samples, first, 0);
  return first;
}

}  // namespace

Image read_tiff(const fs::path& path, bool header_only) {
  TiffHandle handle(path, "r");
  TIFF* tif = handle.get();
  const Layout l = read_layout(tif);
  Image image;
  image.meta.path = path;
  image.meta.width = static_cast<int>(l.width);
  image.meta.height = static_cast<int>(l.height);
  image.meta.channels = l.samples;
  image.meta.bits_per_sample = l.bits;
  image.meta.is_float = l.format == SAMPLEFORMAT_IEEEFP;
  image.meta.pixel_size_um = pixel_size_um(tif);
  image.meta.pages = static_cast<int>(TIFFNumberOfDirectories(tif));
  // A header claiming a giant image is named as such, even when libtiff also finds it damaged.
  const std::string too_large = image_size_problem(l.width, l.height, l.samples, l.bits);
  if (!too_large.empty()) throw_read_error(path, too_large);
  // libtiff errors (unlike its warnings) mean damage, e.g. a directory cut short: the pixels
  // might still decode, but a truncated file is not to be trusted.
  if (!handle.messages().errors.empty()) {
    throw_read_error(path, "damaged or truncated TIFF (libtiff: " + handle.error_text("") + ")");
  }
  const std::string reason = unsupported_reason(l);
  if (!reason.empty()) throw_read_error(path, "unsupported TIFF: " + reason);
  if (header_only) return image;
  if (image.meta.pages > 1) {
    spdlog::warn("\"{}\" has {} pages; reading only the first", path.string(), image.meta.pages);
  }
  const bool native = l.photometric == PHOTOMETRIC_MINISBLACK || l.photometric == PHOTOMETRIC_MINISWHITE ||
                      l.photometric == PHOTOMETRIC_RGB || l.photometric == PHOTOMETRIC_PALETTE ||
                      l.photometric == PHOTOMETRIC_MASK;
  try {
    if (l.photometric == PHOTOMETRIC_YCBCR && l.compression == COMPRESSION_JPEG) {
      // Let the JPEG codec convert to RGB; then the file decodes like any 8-bit RGB file.
      TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      Layout rgb = l;
      rgb.photometric = PHOTOMETRIC_RGB;
      image.pixels = to_gray(decode_samples(handle, rgb, path), rgb, path);
    } else if (!native && l.bits == 8) {
      image.pixels = decode_rgba(handle, l, path);
    } else if (!native) {
      throw_read_error(path, "unsupported TIFF: photometric interpretation " + std::to_string(l.photometric) +
                                 " with " + std::to_string(l.bits) + "-bit samples");
    } else {
      // Palette and min-is-white files give their raw sample values, as tifffile/ImageJ data do.
      image.pixels = to_gray(decode_samples(handle, l, path), l, path);
    }
  } catch (const std::bad_alloc&) {
    throw_read_error(path, "not enough memory for " + std::to_string(l.width) + "x" + std::to_string(l.height) +
                               " pixels");
  }
  return image;
}

}  // namespace segoid::io::detail
