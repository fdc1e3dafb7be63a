// SPDX-License-Identifier: MIT
// The review slideshow as a video file, for headless machines (`review_predictions --video-export`).
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace segoid::report {

/// How the slideshow video looks; defaults are review_predictions' flags.
struct VideoExportOptions {
  double overlay_alpha = 0.5;       ///< opacity of the mask colour on overlay frames, in [0, 1]
  double display_duration_s = 3.0;  ///< seconds each view (plain, then overlay) is shown; > 0
  double fps = 30.0;                ///< frames per second of the file; > 0
  int max_side = 1280;              ///< longest side of a frame, px; larger images are scaled down
  bool show_progress = true;        ///< a progress bar on stderr (core::Progress)
  /// Called after each image with (images written, total images); may be empty.
  std::function<void(int done, int total)> on_progress;
};

/// What was written.
struct VideoExportResult {
  std::filesystem::path path;
  std::string codec;         ///< FourCC: "mp4v" or "MJPG"
  int frames = 0;            ///< 2 x images x frames_per_view
  int frames_per_view = 0;   ///< max(1, round(display_duration_s x fps))
  cv::Size frame_size;       ///< every frame's size (even width and height)
};

/// The FourCC for an output extension: ".mp4" -> "mp4v", ".avi" -> "MJPG" (any case).
/// Throws ConfigError naming the file for any other extension.
std::string video_codec_for(const std::filesystem::path& output);

/// Writes the slideshow of `images` (paths of any image io::read_image reads) to `output`: each
/// image shown plain, then with its predicted mask (`masks[i]`, nonzero = object; an empty path
/// draws no mask) blended in red at overlay_alpha, each view for frames_per_view frames. The
/// frame size comes from the first image scaled to fit max_side; other sizes are fitted into it
/// with black borders. The file is written beside `output` under a temporary name and renamed
/// into place, so `output` appears complete or not at all. Throws ConfigError (bad options,
/// unknown extension, masks.size() != images.size(), no images), IoError naming the file (an
/// unreadable input, or no writer for the codec in this OpenCV) or DataError (mask size differs
/// from its image's).
VideoExportResult export_review_video(const std::vector<std::filesystem::path>& images,
                                      const std::vector<std::filesystem::path>& masks,
                                      const std::filesystem::path& output, const VideoExportOptions& options = {});

}  // namespace segoid::report
