// SPDX-License-Identifier: MIT
// Slideshow video: plain and mask-overlay frames per image, OpenCV VideoWriter, atomic rename.
#include "segoid/report/video_export.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/report/overlay.hpp"

namespace segoid::report {
namespace {

namespace fs = std::filesystem;

const cv::Scalar kMaskColour(0, 0, 255);  // BGR red

std::string quoted(const fs::path& path) { return "\"" + path.string() + "\""; }

/// Frame size of an image scaled to fit max_side, rounded down to even sides (MPEG-4 needs them).
cv::Size frame_size_for(const cv::Size& image, int max_side) {
  const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(image.width, image.height));
  const auto even = [](double v) { return std::max(2, static_cast<int>(std::floor(v / 2.0)) * 2); };
  return {even(image.width * scale), even(image.height * scale)};
}

/// `picture` (8-bit BGR) scaled to fit `frame` and centred on black.
cv::Mat fit_into(const cv::Mat& picture, const cv::Size& frame) {
  const double scale = std::min(static_cast<double>(frame.width) / picture.cols,
                                static_cast<double>(frame.height) / picture.rows);
  const cv::Size fitted(std::clamp(static_cast<int>(std::lround(picture.cols * scale)), 1, frame.width),
                        std::clamp(static_cast<int>(std::lround(picture.rows * scale)), 1, frame.height));
  cv::Mat resized;
  cv::resize(picture, resized, fitted, 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat canvas(frame, CV_8UC3, cv::Scalar::all(0));
  resized.copyTo(canvas(cv::Rect((frame.width - fitted.width) / 2, (frame.height - fitted.height) / 2,
                                 fitted.width, fitted.height)));
  return canvas;
}

/// Plain and overlay pictures of one image at full resolution.
std::pair<cv::Mat, cv::Mat> views_of(const fs::path& image_path, const fs::path& mask_path, double alpha) {
  const io::Image image = io::read_image(image_path);
  cv::Mat plain;
  cv::cvtColor(stretch_to_8bit(image.pixels), plain, cv::COLOR_GRAY2BGR);
  cv::Mat overlay = plain.clone();
  if (!mask_path.empty()) {
    const io::Image mask = io::read_image(mask_path);
    if (mask.pixels.size() != image.pixels.size()) {
      throw DataError("mask " + quoted(mask_path) + " is " + std::to_string(mask.pixels.cols) + "x" +
                      std::to_string(mask.pixels.rows) + " but image " + quoted(image_path) + " is " +
                      std::to_string(image.pixels.cols) + "x" + std::to_string(image.pixels.rows));
    }
    cv::Mat colour(plain.size(), CV_8UC3, kMaskColour);
    cv::Mat blended;
    cv::addWeighted(plain, 1.0 - alpha, colour, alpha, 0.0, blended);
    blended.copyTo(overlay, mask.pixels != 0);
  }
  return {plain, overlay};
}

/// Removes the temporary video unless released (the rename took it).
struct TempVideo {
  fs::path path;
  bool keep = false;
  ~TempVideo() {
    if (keep) return;
    std::error_code ec;
    fs::remove(path, ec);
  }
};

}  // namespace

std::string video_codec_for(const fs::path& output) {
  std::string ext = output.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".mp4") return "mp4v";
  if (ext == ".avi") return "MJPG";
  throw ConfigError("cannot write video " + quoted(output) + ": unknown extension \"" + output.extension().string() +
                    "\" (use .mp4 for MPEG-4 mp4v or .avi for Motion JPEG)");
}

VideoExportResult export_review_video(const std::vector<fs::path>& images, const std::vector<fs::path>& masks,
                                      const fs::path& output, const VideoExportOptions& options) {
  const std::string codec = video_codec_for(output);
  if (images.empty()) throw ConfigError("cannot write video " + quoted(output) + ": no images");
  if (masks.size() != images.size()) {
    throw ConfigError("cannot write video " + quoted(output) + ": " + std::to_string(images.size()) + " images but " +
                      std::to_string(masks.size()) + " masks");
  }
  if (!(options.overlay_alpha >= 0 && options.overlay_alpha <= 1)) {
    throw ConfigError("overlay alpha must be in [0, 1], got " + std::to_string(options.overlay_alpha));
  }
  if (!(options.display_duration_s > 0) || !(options.fps > 0)) {
    throw ConfigError("display duration and fps must be > 0");
  }
  if (options.max_side < 2) throw ConfigError("maximum frame side must be >= 2 px, got " + std::to_string(options.max_side));

  VideoExportResult result;
  result.path = output;
  result.codec = codec;
  result.frames_per_view = std::max(1, static_cast<int>(std::lround(options.display_duration_s * options.fps)));
  const io::ImageMeta first = io::read_image_meta(images.front());
  result.frame_size = frame_size_for(cv::Size(first.width, first.height), options.max_side);

  // VideoWriter picks the container from the extension, so the temporary name keeps it
  // (core::AtomicFile's ".tmp.<pid>" suffix would not); renamed into place as AtomicFile does.
  if (!output.parent_path().empty()) fs::create_directories(output.parent_path());
  TempVideo temp{output.parent_path() /
                 ("." + output.stem().string() + ".tmp" + std::to_string(::getpid()) + output.extension().string())};
  cv::VideoWriter writer;
  const int fourcc = cv::VideoWriter::fourcc(codec[0], codec[1], codec[2], codec[3]);
  if (!writer.open(temp.path.string(), fourcc, options.fps, result.frame_size, /*isColor=*/true)) {
    throw IoError("cannot write video " + quoted(output) + ": this OpenCV has no writer for codec " + codec +
                  (codec == "mp4v" ? " (try .avi, Motion JPEG, which OpenCV always writes)" : ""));
  }
  std::optional<core::Progress> progress;
  if (options.show_progress) progress.emplace("video", static_cast<std::int64_t>(images.size()), "img");
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto [plain, overlay] = views_of(images[i], masks[i], options.overlay_alpha);
    for (const cv::Mat* view : {&plain, &overlay}) {
      const cv::Mat frame = fit_into(*view, result.frame_size);
      for (int repeat = 0; repeat < result.frames_per_view; ++repeat) writer.write(frame);
      result.frames += result.frames_per_view;
    }
    if (progress) progress->advance();
    if (options.on_progress) options.on_progress(static_cast<int>(i + 1), static_cast<int>(images.size()));
  }
  writer.release();
  if (progress) progress->finish();
  std::error_code ec;
  if (!fs::is_regular_file(temp.path, ec) || fs::file_size(temp.path, ec) == 0) {
    throw IoError("cannot write video " + quoted(output) + ": the " + codec + " writer produced no file");
  }
  fs::rename(temp.path, output, ec);
  if (ec) throw IoError("cannot move the video into place at " + quoted(output) + ": " + ec.message());
  temp.keep = true;
  return result;
}

}  // namespace segoid::report
