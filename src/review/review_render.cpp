// SPDX-License-Identifier: MIT
// Review pixels: plates stretched for display, overlays, border uncertainty and mask edits.
#include "segoid/review/review_render.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/report/overlay.hpp"

namespace segoid::review {
namespace {

constexpr size_t kMaxEdits = 10000;
constexpr size_t kMaxEditPoints = 100000;
constexpr int kMaxCoordinate = 1000000;
constexpr int kMaxBrushRadius = 1000;
constexpr int kRejectSearchRadius = 6;
constexpr int kJpegQuality = 90;

cv::Point parse_point(const nlohmann::json& value, size_t index) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number()) {
    throw DataError("mask edit " + std::to_string(index) + ": a point must be [x, y]");
  }
  const double x = value[0].get<double>(), y = value[1].get<double>();
  if (!(std::abs(x) <= kMaxCoordinate && std::abs(y) <= kMaxCoordinate)) {
    throw DataError("mask edit " + std::to_string(index) + ": coordinate out of range");
  }
  return {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))};
}

// The foreground pixel nearest to `at` within kRejectSearchRadius, or (-1, -1).
cv::Point nearest_foreground(const cv::Mat& mask, cv::Point at) {
  cv::Point best(-1, -1);
  int best_d2 = kRejectSearchRadius * kRejectSearchRadius + 1;
  for (int dy = -kRejectSearchRadius; dy <= kRejectSearchRadius; ++dy) {
    for (int dx = -kRejectSearchRadius; dx <= kRejectSearchRadius; ++dx) {
      const cv::Point p(at.x + dx, at.y + dy);
      if (p.x < 0 || p.y < 0 || p.x >= mask.cols || p.y >= mask.rows || !mask.at<uchar>(p)) continue;
      const int d2 = dx * dx + dy * dy;
      if (d2 < best_d2) best_d2 = d2, best = p;
    }
  }
  return best;
}

}  // namespace

ReviewPlate load_review_plate(const ReviewItem& item) {
  const io::Image image = io::read_image(item.image_path);
  const io::Image mask = io::read_image(item.mask_path);
  if (mask.pixels.size() != image.pixels.size()) {
    throw DataError("predicted mask \"" + item.mask_path.string() + "\" is " + std::to_string(mask.pixels.cols) +
                    "x" + std::to_string(mask.pixels.rows) + " but image \"" + item.image_path.string() + "\" is " +
                    std::to_string(image.pixels.cols) + "x" + std::to_string(image.pixels.rows));
  }
  ReviewPlate plate;
  plate.display = report::stretch_to_8bit(image.pixels);
  plate.mask = mask.pixels != 0;  // any depth: nonzero is foreground
  return plate;
}

double border_uncertainty(const cv::Mat& mask, const cv::Mat& prob) {
  SEGOID_CHECK(prob.type() == CV_32FC1 && mask.size() == prob.size(), "probability map must match the mask");
  cv::Mat binary = mask != 0, dilated, eroded;
  const cv::Mat kernel = cv::getStructuringElement(
      cv::MORPH_RECT, cv::Size(2 * kBorderBandRadius + 1, 2 * kBorderBandRadius + 1));
  cv::dilate(binary, dilated, kernel);
  cv::erode(binary, eroded, kernel, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(255));
  cv::Mat band = dilated & ~eroded;
  const bool whole = cv::countNonZero(band) == 0;
  double sum = 0;
  long long count = 0;
  for (int row = 0; row < prob.rows; ++row) {
    const float* p = prob.ptr<float>(row);
    const uchar* b = band.ptr<uchar>(row);
    for (int col = 0; col < prob.cols; ++col) {
      if (!whole && !b[col]) continue;
      const double v = std::isfinite(p[col]) ? std::clamp(static_cast<double>(p[col]), 0.0, 1.0) : 0.5;
      sum += std::min(v, 1.0 - v);
      ++count;
    }
  }
  return count ? sum / static_cast<double>(count) : 0.0;
}

ReviewStats compute_review_stats(const ReviewItem& item) {
  const io::Image mask = io::read_image(item.mask_path);
  ReviewStats stats;
  stats.width = mask.pixels.cols;
  stats.height = mask.pixels.rows;
  cv::Mat binary = mask.pixels != 0, labels;
  stats.object_count = cv::connectedComponents(binary, labels, /*connectivity=*/8, CV_32S) - 1;
  if (!item.prob_path.empty()) {
    io::Image prob = io::read_image(item.prob_path);
    if (prob.pixels.size() != binary.size()) {
      throw DataError("probability map \"" + item.prob_path.string() + "\" differs in size from mask \"" +
                      item.mask_path.string() + "\"");
    }
    if (prob.pixels.type() != CV_32FC1) prob.pixels.convertTo(prob.pixels, CV_32F, 1.0 / 255.0);
    stats.uncertainty = border_uncertainty(binary, prob.pixels);
  }
  return stats;
}

std::vector<MaskEdit> parse_mask_edits(const std::string& json_text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("mask edits are not valid JSON: ") + e.what());
  }
  if (!doc.is_array()) throw DataError("mask edits must be a JSON array");
  if (doc.size() > kMaxEdits) throw DataError("too many mask edits (limit " + std::to_string(kMaxEdits) + ")");
  std::vector<MaskEdit> edits;
  size_t total_points = 0;
  for (size_t index = 0; index < doc.size(); ++index) {
    const auto& value = doc[index];
    const std::string where = "mask edit " + std::to_string(index);
    if (!value.is_object() || !value.contains("op") || !value["op"].is_string()) {
      throw DataError(where + ": expected an object with \"op\"");
    }
    const std::string op = value["op"].get<std::string>();
    MaskEdit edit;
    if (op == "reject") {
      edit.kind = MaskEdit::Kind::kReject;
      edit.points.push_back(parse_point(nlohmann::json::array({value.value("x", nlohmann::json()),
                                                               value.value("y", nlohmann::json())}), index));
    } else if (op == "polygon" || op == "brush") {
      edit.kind = op == "polygon" ? MaskEdit::Kind::kPolygon : MaskEdit::Kind::kBrush;
      const std::string mode = value.contains("mode") && value["mode"].is_string() ? value["mode"].get<std::string>() : "add";
      if (mode != "add" && mode != "cut") throw DataError(where + ": mode must be add or cut");
      edit.add = mode == "add";
      if (!value.contains("points") || !value["points"].is_array()) throw DataError(where + ": missing points");
      total_points += value["points"].size();
      if (total_points > kMaxEditPoints) throw DataError("mask edits have too many points");
      for (const auto& point : value["points"]) edit.points.push_back(parse_point(point, index));
      if (edit.kind == MaskEdit::Kind::kPolygon && edit.points.size() < 3) {
        throw DataError(where + ": a polygon needs at least 3 points");
      }
      if (edit.kind == MaskEdit::Kind::kBrush) {
        if (edit.points.empty()) throw DataError(where + ": a brush stroke needs a point");
        const auto& radius = value.contains("radius") ? value["radius"] : nlohmann::json();
        if (!radius.is_number() || radius.get<double>() < 1 || radius.get<double>() > kMaxBrushRadius) {
          throw DataError(where + ": radius must be 1.." + std::to_string(kMaxBrushRadius));
        }
        edit.radius = static_cast<int>(std::lround(radius.get<double>()));
      }
    } else {
      throw DataError(where + ": unknown op \"" + op + "\"");
    }
    edits.push_back(std::move(edit));
  }
  return edits;
}

cv::Mat apply_mask_edits(const cv::Mat& mask, const std::vector<MaskEdit>& edits) {
  SEGOID_CHECK(mask.type() == CV_8UC1, "mask edits need a CV_8UC1 mask");
  cv::Mat out = mask != 0;
  for (const MaskEdit& edit : edits) {
    const cv::Scalar value(edit.add ? 255 : 0);
    switch (edit.kind) {
      case MaskEdit::Kind::kReject: {
        const cv::Point seed = nearest_foreground(out, edit.points.front());
        if (seed.x >= 0) cv::floodFill(out, seed, cv::Scalar(0), nullptr, cv::Scalar(), cv::Scalar(), /*flags=*/8);
        break;
      }
      case MaskEdit::Kind::kPolygon: {
        const std::vector<std::vector<cv::Point>> polygons = {edit.points};
        cv::fillPoly(out, polygons, value, cv::LINE_8);
        break;
      }
      case MaskEdit::Kind::kBrush: {
        cv::circle(out, edit.points.front(), edit.radius, value, cv::FILLED, cv::LINE_8);
        for (size_t index = 1; index < edit.points.size(); ++index) {
          cv::line(out, edit.points[index - 1], edit.points[index], value, 2 * edit.radius + 1, cv::LINE_8);
          cv::circle(out, edit.points[index], edit.radius, value, cv::FILLED, cv::LINE_8);
        }
        break;
      }
    }
  }
  return out;
}

cv::Mat downscale(const cv::Mat& image, int max_side, int interpolation) {
  const int longest = std::max(image.cols, image.rows);
  if (longest <= max_side) return image;
  const double scale = static_cast<double>(max_side) / longest;
  cv::Mat out;
  cv::resize(image, out, cv::Size(std::max(1, static_cast<int>(std::lround(image.cols * scale))),
                                  std::max(1, static_cast<int>(std::lround(image.rows * scale)))),
             0, 0, interpolation);
  return out;
}

std::string encode_jpeg(const cv::Mat& image) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, kJpegQuality});
  return std::string(bytes.begin(), bytes.end());
}

std::string encode_overlay_png(const cv::Mat& mask, const std::vector<report::ObjectId>& ids, double scale, cv::Point2d origin) {
  cv::Mat rgba(mask.size(), CV_8UC4, cv::Scalar(0, 0, 0, 0));
  rgba.setTo(cv::Scalar(40, 40, 255, 255), mask);  // BGRA: red
  report::draw_object_ids(rgba, ids, scale, origin);
  std::vector<uchar> bytes;
  // Run-length zlib: masks are long runs, and this is several times faster than the default.
  cv::imencode(".png", rgba, bytes, {cv::IMWRITE_PNG_COMPRESSION, 1, cv::IMWRITE_PNG_STRATEGY, cv::IMWRITE_PNG_STRATEGY_RLE});
  return std::string(bytes.begin(), bytes.end());
}

std::string render_thumbnail(const ReviewPlate& plate, const cv::Mat& mask, double alpha) {
  const cv::Mat gray = downscale(plate.display, kThumbnailSide, cv::INTER_AREA);
  cv::Mat small_mask;
  cv::resize(mask, small_mask, gray.size(), 0, 0, cv::INTER_AREA);
  cv::Mat bgr, red;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  red = cv::Mat(bgr.size(), CV_8UC3, cv::Scalar(40, 40, 255));
  cv::Mat blended;
  cv::addWeighted(bgr, 1.0 - alpha, red, alpha, 0.0, blended);
  blended.copyTo(bgr, small_mask > 127);
  return encode_jpeg(bgr);
}

}  // namespace segoid::review
