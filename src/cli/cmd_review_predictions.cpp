// SPDX-License-Identifier: MIT
// `segoid review_predictions` (alias `review`): review predicted masks in a local browser page.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "command_registry.hpp"
#include "interrupt.hpp"
#include "segoid/core/error.hpp"
#include "segoid/review/review_server.hpp"
#include "segoid/review/review_state.hpp"
#include "segoid/report/video_export.hpp"

namespace segoid::cli::cmd_review_predictions {
namespace {

struct ReviewFlags {
  std::string image_dir, manifest, data_root, pred_mask_dir, output_flagged, video_export, corrections_dir,
      session, display_mode = "slideshow", reviewer;
  double display_duration = 3.0, overlay_alpha = 0.5;
  int fps = 30, port = 0, max_frame_side = 1280;
};

// The reviewer recorded with each flag when --reviewer is not given: the login name.
std::string user_name() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_name) return entry->pw_name;
  return "unknown";
}

void declare(CLI::App& sub, ReviewFlags& f) {
  auto* images = sub.add_option("--image-dir", f.image_dir, "Folder of the images that were predicted");
  auto* manifest = sub.add_option("--manifest", f.manifest, "Or: a manifest CSV (basename, image_path)");
  images->excludes(manifest);
  auto* root = sub.add_option("--data-root", f.data_root, "Base folder of relative manifest paths (default: data)");
  root->needs(manifest);
  sub.add_option("--pred-mask-dir", f.pred_mask_dir, "Folder of <basename>_pred_mask.tif (predict_full output)")
      ->required();
  sub.add_option("--display-duration", f.display_duration, "Seconds per phase (plain, then overlay)")
      ->default_val(3.0);
  sub.add_option("--overlay-alpha", f.overlay_alpha, "Opacity of the mask overlay, 0..1")->default_val(0.5);
  sub.add_option("--output-flagged", f.output_flagged,
                 "Flagged image names, one per line (default: flagged_images.txt beside the session file); "
                 "a CSV with reasons is written beside it");
  sub.add_option("--video-export", f.video_export, "Write the slideshow as a video instead of serving the page");
  sub.add_option("--fps", f.fps, "Frames per second of --video-export")->default_val(30)->check(CLI::Range(1, 1000));
  sub.add_option("--max-frame-side", f.max_frame_side, "Longest side of a --video-export frame, px")
      ->default_val(1280)
      ->check(CLI::Range(16, 16384));
  sub.add_option("--corrections-dir", f.corrections_dir,
                 "Where Save writes masks/<basename>_mask.tif and images/ (default: <pred-mask-dir>/corrections)");
  sub.add_option("--session", f.session, "Review state file (default: <pred-mask-dir>/review_session.json)");
  sub.add_option("--port", f.port, "Port on 127.0.0.1 (0 = a free port)")->default_val(0)->check(CLI::Range(0, 65535));
  sub.add_option("--display-mode", f.display_mode, "slideshow | sidebyside | toggle")
      ->default_val("slideshow")
      ->check(CLI::IsMember({"slideshow", "sidebyside", "toggle"}));
  sub.add_option("--reviewer", f.reviewer, "Name recorded with each flag (default: your user name)");
}

int run(ReviewFlags& f) {
  if (f.image_dir.empty() == f.manifest.empty()) {
    throw ConfigError("review_predictions: give --image-dir or --manifest");
  }
  if (!f.video_export.empty()) {  // headless: the slideshow as a video, no server
    const std::vector<review::ReviewItem> items =
        f.manifest.empty() ? review::find_review_items(f.image_dir, f.pred_mask_dir)
                            : review::find_review_items_in_manifest(
                                  f.manifest, f.data_root.empty() ? "data" : f.data_root, f.pred_mask_dir);
    std::vector<std::filesystem::path> images;
    std::vector<std::filesystem::path> masks;
    for (const auto& item : items) {
      images.push_back(item.image_path);
      masks.push_back(item.mask_path);
    }
    report::VideoExportOptions options;
    options.overlay_alpha = f.overlay_alpha;
    options.display_duration_s = f.display_duration;
    options.fps = f.fps;
    options.max_side = f.max_frame_side;
    const report::VideoExportResult video = report::export_review_video(images, masks, f.video_export, options);
    std::cout << "Wrote " << video.path.string() << ": " << video.frames << " frames of " << video.frame_size.width
              << "x" << video.frame_size.height << " (" << video.codec << ", " << items.size() << " images)\n";
    return 0;
  }
  review::ReviewConfig config;
  config.image_dir = f.image_dir;
  config.manifest = f.manifest;
  config.data_root = f.manifest.empty() ? "" : (f.data_root.empty() ? "data" : f.data_root);
  config.pred_mask_dir = f.pred_mask_dir;
  config.output_flagged = f.output_flagged;
  config.corrections_dir = f.corrections_dir;
  config.session_file = f.session;
  config.port = f.port;
  config.page.display_duration = f.display_duration;
  config.page.overlay_alpha = f.overlay_alpha;
  config.page.display_mode = f.display_mode;
  config.page.reviewer = f.reviewer.empty() ? user_name() : f.reviewer;
  InterruptGuard interrupt;
  const review::ReviewResult result = review::run_review(config, interrupt.flag(), std::cout);
  std::cout << result.flagged << " of " << result.images << " images flagged";
  if (result.corrected) std::cout << ", " << result.corrected << " corrected";
  std::cout << ". Flagged list: " << result.paths.flagged_list.string()
            << " (with reasons: " << result.paths.flagged_csv.string() << ")\n";
  return result.interrupted ? kInterruptedExitCode : 0;
}

const bool kRegistered = register_command(
    {"review_predictions", {"review"},
     "Review predicted masks in a local browser page: slideshow, triage grid, flags, corrections", 55,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_review_predictions
