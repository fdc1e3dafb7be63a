// SPDX-License-Identifier: MIT
// `segoid review_predictions`: the local HTTP server of the review page and the stage's entry.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include "segoid/review/review_handler.hpp"

namespace segoid::review {

/// The loopback address the review server binds; it never listens on other interfaces.
inline constexpr const char kReviewHost[] = "127.0.0.1";

/// Serves `handler` over HTTP on 127.0.0.1 in a background thread, until stop() or destruction.
/// Request bodies over the handler's limit are refused (413) before they are read.
class ReviewServer {
 public:
  /// Binds 127.0.0.1:`port` (0 = a free port). Throws IoError when the port cannot be bound.
  ReviewServer(ReviewHandler& handler, int port, size_t max_body_bytes = kMaxReviewBodyBytes);
  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  int port() const { return port_; }
  /// http://127.0.0.1:<port>/?t=<token>
  std::string url() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ReviewHandler& handler_;
  int port_ = 0;
  std::thread thread_;
};

/// Everything review_predictions needs. Exactly one of image_dir and manifest is set.
struct ReviewConfig {
  std::filesystem::path image_dir;       ///< images to review (sorted by name)
  std::filesystem::path manifest;        ///< or: a manifest CSV (basename, image_path)
  std::filesystem::path data_root;       ///< base of relative manifest paths ("" = working dir)
  std::filesystem::path pred_mask_dir;   ///< predict_full output: <basename>_pred_mask.tif [+ _pred_prob.tif]
  std::filesystem::path session_file;    ///< "" = <pred_mask_dir>/review_session.json
  std::filesystem::path output_flagged;  ///< "" = flagged_images.txt beside the session file
  std::filesystem::path corrections_dir; ///< "" = <pred_mask_dir>/corrections
  int port = 0;                          ///< 0 = a free port
  ReviewOptions page;                    ///< display settings and reviewer
};

/// The files a review writes, with defaults applied: session JSON, flagged list, flagged CSV
/// (the list's name with extension .csv, or "<list>.csv" when the list is itself a .csv).
ReviewPaths resolve_review_paths(const ReviewConfig& config);

struct ReviewResult {
  int images = 0, flagged = 0, corrected = 0;
  ReviewPaths paths;
  bool interrupted = false;  ///< stopped by *interrupt rather than by the page's Finish
};

/// Finds the items, restores an earlier session on the same folders, serves the page and prints
/// its URL to `out`, then blocks until the page's Finish (or `*interrupt`); saves and returns.
/// Throws IoError / DataError / ConfigError.
ReviewResult run_review(const ReviewConfig& config, const std::atomic<bool>* interrupt, std::ostream& out);

}  // namespace segoid::review
