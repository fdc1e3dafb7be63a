// SPDX-License-Identifier: MIT
// ImageJ .roi files (big-endian "Iout" header, 16-bit vertex offsets, header 2 with the name) and
// RoiSet.zip archives of them; area ROIs only.
#include "segoid/io/imagej_roi.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/zip_archive.hpp"

namespace segoid::io {
namespace {

// Offsets of RoiDecoder's header (64 bytes) and header 2 (64 bytes, at kHeader2Offset's value).
constexpr std::size_t kHeaderSize = 64;
constexpr std::size_t kVersionAt = 4, kTypeAt = 6, kTopAt = 8, kLeftAt = 10, kBottomAt = 12, kRightAt = 14;
constexpr std::size_t kCountAt = 16, kSizeAt = 18;  // kSizeAt: 32-bit vertex count when the 16-bit one is 0
constexpr std::size_t kXdAt = 18, kYdAt = 22, kWidthdAt = 26, kHeightdAt = 30;  // sub-pixel rect/oval
constexpr std::size_t kShapeRoiSizeAt = 36, kOptionsAt = 50, kHeader2OffsetAt = 60;
constexpr std::size_t kHeader2Size = 64, kNameOffsetAt = 16, kNameLengthAt = 20;
constexpr std::uint16_t kVersion = 228;
constexpr std::uint16_t kSubPixelResolution = 128;
constexpr std::uint16_t kFirstSubPixelVersion = 222;
constexpr int kMaxShortCoordinate = 32767;
constexpr std::uintmax_t kMaxRoiSetBytes = std::uintmax_t{1} << 30;
constexpr std::size_t kMaxNameChars = 4096;

void put_be(std::string& out, std::size_t at, std::uint64_t value, int n) {
  for (int i = 0; i < n; ++i) out[at + i] = static_cast<char>((value >> (8 * (n - 1 - i))) & 0xFF);
}

void put_float(std::string& out, std::size_t at, double value) {
  const float f = static_cast<float>(value);
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  put_be(out, at, bits, 4);
}

std::uint64_t get_be(const std::string& in, std::size_t at, int n) {
  std::uint64_t value = 0;
  for (int i = 0; i < n; ++i) value = (value << 8) | static_cast<unsigned char>(in[at + i]);
  return value;
}

int get_short(const std::string& in, std::size_t at) { return static_cast<std::int16_t>(get_be(in, at, 2)); }

double get_float(const std::string& in, std::size_t at) {
  const auto bits = static_cast<std::uint32_t>(get_be(in, at, 4));
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

bool is_polygon_type(RoiType type) {
  return type == RoiType::kPolygon || type == RoiType::kFreehand || type == RoiType::kTraced;
}

// UTF-8 <-> UTF-16 (big-endian code units), as ImageJ stores names (Java chars).
std::string utf16be_of(const std::string& utf8) {
  std::string out;
  const auto unit = [&out](std::uint32_t u) { out.push_back(static_cast<char>(u >> 8)), out.push_back(static_cast<char>(u & 0xFF)); };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    std::uint32_t code = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra && i + k < utf8.size(); ++k) code = (code << 6) | (utf8[i + k] & 0x3F);
    i += static_cast<std::size_t>(extra) + 1;
    if (code >= 0x10000) {
      code -= 0x10000;
      unit(0xD800 + (code >> 10));
      unit(0xDC00 + (code & 0x3FF));
    } else {
      unit(code);
    }
  }
  return out;
}

std::string utf8_of_utf16be(const std::string& in, std::size_t at, std::size_t chars) {
  std::string out;
  for (std::size_t k = 0; k < chars; ++k) {
    std::uint32_t code = static_cast<std::uint32_t>(get_be(in, at + 2 * k, 2));
    if (code >= 0xD800 && code < 0xDC00 && k + 1 < chars) {
      const auto low = static_cast<std::uint32_t>(get_be(in, at + 2 * (k + 1), 2));
      if (low >= 0xDC00 && low < 0xE000) code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), ++k;
    }
    if (code >= 0xD800 && code < 0xE000) code = 0xFFFD;  // a lone surrogate
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }
  return out;
}

// Appends header 2 and the name; sets the header's pointer to header 2.
void append_header2(std::string& out, const std::string& name) {
  const std::size_t header2 = out.size();
  put_be(out, kHeader2OffsetAt, header2, 4);
  out.append(kHeader2Size, '\0');
  const std::string utf16 = utf16be_of(name);
  if (!utf16.empty()) {
    put_be(out, header2 + kNameOffsetAt, header2 + kHeader2Size, 4);
    put_be(out, header2 + kNameLengthAt, utf16.size() / 2, 4);
    out += utf16;
  }
}

}  // namespace

std::string encode_imagej_roi(const ImageJRoi& roi) {
  std::string out(kHeaderSize, '\0');
  out.replace(0, 4, "Iout");
  put_be(out, kVersionAt, kVersion, 2);
  put_be(out, kTypeAt, static_cast<std::uint8_t>(roi.type), 1);
  if (roi.type == RoiType::kRect || roi.type == RoiType::kOval) {
    const cv::Rect2d& b = roi.bounds;
    if (!(b.x >= 0 && b.y >= 0 && b.width >= 0 && b.height >= 0 && b.x + b.width <= kMaxShortCoordinate &&
          b.y + b.height <= kMaxShortCoordinate)) {
      throw DataError("ROI \"" + roi.name + "\": box outside 0..32767");
    }
    put_be(out, kTopAt, static_cast<std::uint16_t>(std::floor(b.y)), 2);
    put_be(out, kLeftAt, static_cast<std::uint16_t>(std::floor(b.x)), 2);
    put_be(out, kBottomAt, static_cast<std::uint16_t>(std::floor(b.y + b.height)), 2);
    put_be(out, kRightAt, static_cast<std::uint16_t>(std::floor(b.x + b.width)), 2);
    if (b.x != std::floor(b.x) || b.y != std::floor(b.y) || b.width != std::floor(b.width) || b.height != std::floor(b.height)) {
      put_be(out, kOptionsAt, kSubPixelResolution, 2);
      put_float(out, kXdAt, b.x), put_float(out, kYdAt, b.y), put_float(out, kWidthdAt, b.width);
      put_float(out, kHeightdAt, b.height);
    }
    append_header2(out, roi.name);
    return out;
  }
  if (!is_polygon_type(roi.type)) throw DataError("ROI \"" + roi.name + "\": only area ROIs are written");
  const std::vector<cv::Point2d>& p = roi.points;
  if (p.empty()) throw DataError("ROI \"" + roi.name + "\": a polygon needs vertices");
  double min_x = p[0].x, min_y = p[0].y, max_x = p[0].x, max_y = p[0].y;
  bool integral = true;
  for (const cv::Point2d& v : p) {
    if (!(v.x >= 0 && v.y >= 0 && std::isfinite(v.x) && std::isfinite(v.y))) {
      throw DataError("ROI \"" + roi.name + "\": negative or non-finite vertex");
    }
    min_x = std::min(min_x, v.x), min_y = std::min(min_y, v.y), max_x = std::max(max_x, v.x), max_y = std::max(max_y, v.y);
    integral = integral && v.x == std::floor(v.x) && v.y == std::floor(v.y);
  }
  // Bounds and offsets are 16-bit: beyond them (or between pixels) the float copy carries the truth.
  const bool sub_pixel = !integral || max_x > kMaxShortCoordinate || max_y > kMaxShortCoordinate;
  const int left = static_cast<int>(std::min<double>(std::floor(min_x), kMaxShortCoordinate));
  const int top = static_cast<int>(std::min<double>(std::floor(min_y), kMaxShortCoordinate));
  put_be(out, kTopAt, static_cast<std::uint16_t>(top), 2);
  put_be(out, kLeftAt, static_cast<std::uint16_t>(left), 2);
  put_be(out, kBottomAt, static_cast<std::uint16_t>(std::min<double>(std::ceil(max_y), kMaxShortCoordinate)), 2);
  put_be(out, kRightAt, static_cast<std::uint16_t>(std::min<double>(std::ceil(max_x), kMaxShortCoordinate)), 2);
  const std::size_t n = p.size();
  if (n <= 0xFFFF) {
    put_be(out, kCountAt, n, 2);
  } else {
    put_be(out, kSizeAt, n, 4);
  }
  if (sub_pixel) put_be(out, kOptionsAt, kSubPixelResolution, 2);
  out.resize(kHeaderSize + 4 * n + (sub_pixel ? 8 * n : 0), '\0');
  for (std::size_t i = 0; i < n; ++i) {
    const auto offset = [](double v, int base) {  // clamped in double: v may be far beyond int
      return static_cast<std::uint16_t>(std::clamp(std::floor(v) - base, 0.0, static_cast<double>(kMaxShortCoordinate)));
    };
    put_be(out, kHeaderSize + 2 * i, offset(p[i].x, left), 2);
    put_be(out, kHeaderSize + 2 * n + 2 * i, offset(p[i].y, top), 2);
    if (sub_pixel) {
      put_float(out, kHeaderSize + 4 * n + 4 * i, p[i].x);
      put_float(out, kHeaderSize + 8 * n + 4 * i, p[i].y);
    }
  }
  append_header2(out, roi.name);
  return out;
}

ImageJRoi decode_imagej_roi(const std::string& in, const std::string& source) {
  const auto bad = [&source](const std::string& what) { return DataError(source + ": " + what); };
  if (in.size() < kHeaderSize || in.compare(0, 4, "Iout") != 0) throw bad("not an ImageJ ROI (no \"Iout\" header)");
  if (in.size() > kMaxRoiBytes) throw bad("ROI of " + std::to_string(in.size()) + " bytes is over the limit");
  ImageJRoi roi;
  const auto version = static_cast<std::uint16_t>(get_be(in, kVersionAt, 2));
  const auto type_code = static_cast<std::uint8_t>(get_be(in, kTypeAt, 1));
  if (type_code > static_cast<std::uint8_t>(RoiType::kPoint)) throw bad("unknown ROI type " + std::to_string(type_code));
  roi.type = static_cast<RoiType>(type_code);
  const int top = get_short(in, kTopAt), left = get_short(in, kLeftAt);
  const int bottom = get_short(in, kBottomAt), right = get_short(in, kRightAt);
  const auto options = static_cast<std::uint16_t>(get_be(in, kOptionsAt, 2));
  const bool sub_pixel = (options & kSubPixelResolution) != 0 && version >= kFirstSubPixelVersion;
  if (get_be(in, kShapeRoiSizeAt, 4) != 0) throw bad("composite (shape) ROIs are not supported; use polygons");

  const std::uint64_t header2 = get_be(in, kHeader2OffsetAt, 4);
  if (header2 > 0 && header2 <= in.size() && in.size() - header2 >= kHeader2Size) {
    const std::uint64_t name_at = get_be(in, header2 + kNameOffsetAt, 4);
    const std::uint64_t chars = get_be(in, header2 + kNameLengthAt, 4);
    if (name_at > 0 && chars > 0) {
      if (chars > kMaxNameChars || name_at > in.size() || (in.size() - name_at) / 2 < chars) {
        throw bad("ROI name runs past the end of the file");
      }
      roi.name = utf8_of_utf16be(in, static_cast<std::size_t>(name_at), static_cast<std::size_t>(chars));
    }
  }

  if (roi.type == RoiType::kRect || roi.type == RoiType::kOval) {
    roi.bounds = cv::Rect2d(left, top, right - left, bottom - top);
    if (sub_pixel) {
      roi.bounds = cv::Rect2d(get_float(in, kXdAt), get_float(in, kYdAt), get_float(in, kWidthdAt), get_float(in, kHeightdAt));
    }
    if (!(std::isfinite(roi.bounds.x) && std::isfinite(roi.bounds.y) && roi.bounds.width >= 0 &&
          roi.bounds.height >= 0 && std::isfinite(roi.bounds.width) && std::isfinite(roi.bounds.height))) {
      throw bad("rectangle or oval with a negative or non-finite size");
    }
    return roi;
  }
  if (!is_polygon_type(roi.type)) {
    throw bad("ROI type " + std::to_string(type_code) + " is not an area (line, point or angle ROIs cannot make a mask)");
  }
  std::uint64_t n = get_be(in, kCountAt, 2);
  if (n == 0) n = get_be(in, kSizeAt, 4);
  const std::uint64_t per_vertex = sub_pixel ? 12 : 4;
  if (n == 0 || n > (in.size() - kHeaderSize) / per_vertex) {
    throw bad("polygon claims " + std::to_string(n) + " vertices, more than the file holds");
  }
  roi.points.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    if (sub_pixel) {
      roi.points[i] = {get_float(in, kHeaderSize + 4 * n + 4 * i), get_float(in, kHeaderSize + 8 * n + 4 * i)};
      if (!std::isfinite(roi.points[i].x) || !std::isfinite(roi.points[i].y)) throw bad("non-finite vertex");
    } else {
      // RoiDecoder clamps negative offsets to 0 (they cannot be written).
      roi.points[i] = {static_cast<double>(left + std::max(0, get_short(in, kHeaderSize + 2 * i))),
                       static_cast<double>(top + std::max(0, get_short(in, kHeaderSize + 2 * n + 2 * i)))};
    }
  }
  roi.bounds = cv::Rect2d(left, top, right - left, bottom - top);
  return roi;
}

void write_roiset(const std::filesystem::path& path, const std::vector<ImageJRoi>& rois) {
  std::vector<ZipFile> files;
  std::set<std::string> used;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    std::string stem = rois[i].name;
    if (stem.empty() || stem.find('/') != std::string::npos || !used.insert(stem).second) {
      stem = "roi_" + std::to_string(i + 1);
      used.insert(stem);
    }
    files.push_back({stem + ".roi", encode_imagej_roi(rois[i])});
  }
  core::write_file_atomic(path, make_zip_archive(files));
}

std::vector<ImageJRoi> read_roiset(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError("cannot read \"" + path.string() + "\": " + ec.message());
  if (size > kMaxRoiSetBytes) {
    throw IoError("cannot read \"" + path.string() + "\": " + std::to_string(size) + " bytes is over the 1 GiB limit for ROI sets");
  }
  const std::string bytes = core::read_file(path);
  std::vector<ImageJRoi> rois;
  if (bytes.compare(0, 4, "Iout") == 0) {
    rois.push_back(decode_imagej_roi(bytes, path.string()));
    if (rois.back().name.empty()) rois.back().name = path.stem().string();
    return rois;
  }
  const std::string suffix = ".roi";
  for (const ZipFile& file : read_zip_files(bytes, path.string(), kMaxRoiBytes)) {
    const std::string& name = file.name;
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    rois.push_back(decode_imagej_roi(file.bytes, path.string() + " entry \"" + name + "\""));
    if (rois.back().name.empty()) {
      const std::string stem = name.substr(0, name.size() - suffix.size());
      rois.back().name = stem.substr(stem.find_last_of('/') + 1);
    }
  }
  if (rois.empty()) throw DataError("\"" + path.string() + "\" holds no .roi entries (not a Fiji RoiSet.zip?)");
  return rois;
}

void fill_imagej_roi(const ImageJRoi& roi, cv::Mat& mask, std::uint8_t value) {
  SEGOID_CHECK(mask.type() == CV_8UC1, "fill_imagej_roi needs a CV_8UC1 mask");
  // Pixel `col` is filled for a span [a, b) of centre x positions when a <= col + 0.5 < b.
  // Index of the first pixel whose centre is at or after `x`, clamped to [0, limit] (any double).
  const auto first_centre = [](double x, int limit) {
    return static_cast<int>(std::clamp(std::ceil(x - 0.5), 0.0, static_cast<double>(limit)));
  };
  const auto fill_span = [&](int row, double a, double b) {
    auto* line = mask.ptr<std::uint8_t>(row);
    for (int col = first_centre(a, mask.cols), end = first_centre(b, mask.cols); col < end; ++col) line[col] = value;
  };
  if (roi.type == RoiType::kRect || roi.type == RoiType::kOval) {
    const cv::Rect2d& b = roi.bounds;
    const int row_begin = first_centre(b.y, mask.rows), row_end = first_centre(b.y + b.height, mask.rows);
    for (int row = row_begin; row < row_end; ++row) {
      if (roi.type == RoiType::kRect) {
        fill_span(row, b.x, b.x + b.width);
        continue;
      }
      const double dy = (row + 0.5 - (b.y + b.height / 2)) / (b.height / 2);
      if (dy * dy >= 1) continue;
      const double half = b.width / 2 * std::sqrt(1 - dy * dy);
      fill_span(row, b.x + b.width / 2 - half, b.x + b.width / 2 + half);
    }
    return;
  }
  const std::vector<cv::Point2d>& p = roi.points;
  if (p.size() < 3) return;
  double min_y = p[0].y, max_y = p[0].y;
  for (const auto& v : p) min_y = std::min(min_y, v.y), max_y = std::max(max_y, v.y);
  const int row_begin = first_centre(min_y, mask.rows), row_end = first_centre(max_y, mask.rows);
  std::vector<double> crossings;
  for (int row = row_begin; row < row_end; ++row) {
    const double y = row + 0.5;
    crossings.clear();
    for (std::size_t i = 0, j = p.size() - 1; i < p.size(); j = i++) {
      if ((p[i].y <= y) != (p[j].y <= y)) {
        crossings.push_back(p[i].x + (y - p[i].y) * (p[j].x - p[i].x) / (p[j].y - p[i].y));
      }
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) fill_span(row, crossings[k], crossings[k + 1]);
  }
}

}  // namespace segoid::io
