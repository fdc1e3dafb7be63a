// SPDX-License-Identifier: MIT
// The review page's request handling, free of sockets: handle(request) -> response. The HTTP
// server (review_server) only moves bytes; tests and fuzz targets call handle() directly.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "segoid/review/review_render.hpp"
#include "segoid/review/review_state.hpp"

namespace segoid::review {

/// Largest request body accepted (bytes); larger ones get 413.
inline constexpr size_t kMaxReviewBodyBytes = 8u << 20;

/// A request as the server received it: path already percent-decoded, query parameters decoded.
struct HttpRequest {
  std::string method;                          ///< "GET", "POST", ...
  std::string path;                            ///< e.g. "/api/image"
  std::map<std::string, std::string> query;    ///< e.g. {"t": token, "name": "A01"}
  std::map<std::string, std::string> headers;  ///< header names in lower case
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

/// What the page shows and where corrections go.
struct ReviewOptions {
  double display_duration = 3.0;        ///< seconds per phase (plain, overlay) in the slideshow
  double overlay_alpha = 0.5;           ///< opacity of the mask overlay, 0..1
  std::string display_mode = "slideshow";  ///< slideshow | sidebyside | toggle
  std::string reviewer;                 ///< recorded with each flag
  std::filesystem::path corrections_dir;   ///< Save writes masks/ and images/ here
  size_t max_body_bytes = kMaxReviewBodyBytes;
  bool background_work = true;          ///< compute triage stats and thumbnails in a worker thread
};

/// The display modes --display-mode accepts.
const std::vector<std::string>& review_display_modes();

/// A random 32-hex-digit token (std::random_device).
std::string make_review_token();

class ReviewCache;

/// Serves the review page and its API for one session. Every request must carry the token (query
/// `t` or header `x-review-token`), else 403; a path with `..`, a backslash or an empty segment,
/// an absolute or unknown image name, or an unknown route gives 404; a body over max_body_bytes
/// gives 413. Each change of state is saved at once (ReviewSession::save). Thread-safe.
class ReviewHandler {
 public:
  ReviewHandler(ReviewSession session, ReviewOptions options, std::string token);
  ~ReviewHandler();
  ReviewHandler(const ReviewHandler&) = delete;
  ReviewHandler& operator=(const ReviewHandler&) = delete;

  /// Answers one request; never throws (errors become 4xx/5xx responses with a message).
  HttpResponse handle(const HttpRequest& request);

  /// True once the page asked to finish (Esc or the Finish button).
  bool finished() const { return finished_; }
  /// Blocks until finished or until `*interrupt` becomes true (polled every 100 ms; may be null).
  void wait_finished(const std::atomic<bool>* interrupt);
  /// Saves the session files now. Throws IoError.
  void save();
  ReviewCounts counts();
  ReviewPaths paths();
  const std::string& token() const { return token_; }

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse session_json();
  HttpResponse image(int index, const HttpRequest& request, bool thumbnail);
  HttpResponse region(int index, const HttpRequest& request);
  HttpResponse flag(int index, const std::string& body);
  HttpResponse set_edits(int index, const std::string& body);
  HttpResponse save_correction(int index);
  HttpResponse finish();
  std::shared_ptr<const cv::Mat> current_mask(int index);
  std::string item_json(int index);
  void worker_loop();
  void prefetch(int index);

  ReviewOptions options_;
  std::string token_;
  std::mutex state_mutex_;  // guards session_, stats_, versions_, prefetch_queue_
  ReviewSession session_;
  std::vector<ReviewStats> stats_;
  std::vector<bool> stats_ready_;
  std::vector<std::string> stats_error_;
  std::vector<int> versions_;  // edit version per image (cache keys)
  std::unique_ptr<ReviewCache> cache_;
  std::vector<int> prefetch_queue_;
  std::condition_variable work_cv_;
  std::condition_variable finished_cv_;
  std::atomic<bool> finished_{false};
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

}  // namespace segoid::review
