// SPDX-License-Identifier: MIT
// ImageJ's binary ROI format (RoiEncoder/RoiDecoder, "Iout" files) and Fiji's RoiSet.zip: area
// ROIs written and read, and filled into a mask by ImageJ's rule (pixel centres inside).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace segoid::io {

/// ImageJ's ROI type codes (the byte at offset 6).
enum class RoiType : std::uint8_t {
  kPolygon = 0, kRect = 1, kOval = 2, kLine = 3, kFreeLine = 4, kPolyLine = 5, kNoRoi = 6,
  kFreehand = 7, kTraced = 8, kAngle = 9, kPoint = 10,
};

/// One area ROI in image pixel coordinates (x right, y down; (0, 0) is the top-left corner of the
/// top-left pixel, so an outline along pixel edges has integer vertices).
struct ImageJRoi {
  std::string name;                 ///< the ROI's name (Fiji's ROI Manager shows it); may be empty
  RoiType type = RoiType::kPolygon;
  std::vector<cv::Point2d> points;  ///< polygon, freehand, traced: the vertices, in order
  cv::Rect2d bounds;                ///< rect, oval: the box; polygons: the vertices' integer bounds
};

/// Largest ROI file accepted by decode_imagej_roi (65535 vertices in float need ~0.8 MB).
inline constexpr std::size_t kMaxRoiBytes = std::size_t{16} << 20;

/// The bytes of one .roi file for `roi` (polygon, freehand or traced; rect; oval), as ImageJ's
/// RoiEncoder writes it: the 64-byte header, 16-bit vertex offsets from the top-left bound (plus
/// float coordinates when a vertex is not an integer or lies beyond 32767), header 2 and the
/// name in UTF-16. Throws DataError for another type, no vertices, or a negative coordinate.
std::string encode_imagej_roi(const ImageJRoi& roi);

/// Decodes one .roi file. Area ROIs only: polygon, freehand, traced, rect and oval (sub-pixel
/// coordinates included); lines, points, composite (shape) ROIs and anything inconsistent throw
/// DataError "<source>: ..." naming the problem.
ImageJRoi decode_imagej_roi(const std::string& bytes, const std::string& source);

/// Writes `rois` as a RoiSet.zip ("<name>.roi" per ROI, numbered when a name is empty or
/// repeats), atomically. Throws IoError, or DataError as encode_imagej_roi.
void write_roiset(const std::filesystem::path& path, const std::vector<ImageJRoi>& rois);

/// Reads a RoiSet.zip (every *.roi entry, in archive order) or a single .roi file. Throws IoError
/// for an unreadable archive and DataError naming the file and entry for a bad ROI. Files over
/// 1 GiB are refused before they are read.
std::vector<ImageJRoi> read_roiset(const std::filesystem::path& path);

/// Fills `roi` into `mask` (CV_8UC1) with `value`, as ImageJ's ROI masks do: a pixel belongs to
/// a polygon when its centre (col + 0.5, row + 0.5) is inside by the even-odd rule, to an oval
/// when its centre is inside the ellipse, to a rect when it lies in the box. Clipped to the mask.
void fill_imagej_roi(const ImageJRoi& roi, cv::Mat& mask, std::uint8_t value = 255);

}  // namespace segoid::io
