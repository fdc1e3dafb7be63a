// SPDX-License-Identifier: MIT
// The review page's HTTP server (cpp-httplib on 127.0.0.1) and the review_predictions stage.
#include "segoid/review/review_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "review_routes.hpp"
#include "segoid/core/error.hpp"

namespace segoid::review {
namespace fs = std::filesystem;

struct ReviewServer::Impl {
  httplib::Server server;
};

ReviewServer::ReviewServer(ReviewHandler& handler, int port, size_t max_body_bytes)
    : impl_(std::make_unique<Impl>()), handler_(handler) {
  auto& server = impl_->server;
  configure_review_server(server, handler_, max_body_bytes);
  if (port == 0) {
    port_ = server.bind_to_any_port(kReviewHost);
  } else {
    port_ = server.bind_to_port(kReviewHost, port) ? port : -1;
  }
  if (port_ <= 0) {
    throw IoError("cannot listen on " + std::string(kReviewHost) + ":" + std::to_string(port) +
                  " (port in use or not allowed); pick another with --port, or --port 0 for a free one");
  }
  auto ended = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([&server, ended] {
    server.listen_after_bind();
    *ended = true;
  });
  // stop() before the accept loop runs would be lost (and join() would wait forever).
  while (!server.is_running() && !*ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ReviewServer::~ReviewServer() { stop(); }

void ReviewServer::stop() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

std::string ReviewServer::url() const {
  return "http://" + std::string(kReviewHost) + ":" + std::to_string(port_) + "/?t=" + handler_.token();
}

ReviewPaths resolve_review_paths(const ReviewConfig& config) {
  ReviewPaths paths;
  paths.session_file = config.session_file.empty() ? config.pred_mask_dir / "review_session.json" : config.session_file;
  paths.flagged_list = config.output_flagged.empty() ? paths.session_file.parent_path() / "flagged_images.txt"
                                                     : config.output_flagged;
  paths.flagged_csv = paths.flagged_list;
  if (paths.flagged_list.extension() == ".csv") {
    paths.flagged_csv += ".csv";
  } else {
    paths.flagged_csv.replace_extension(".csv");
  }
  return paths;
}

ReviewResult run_review(const ReviewConfig& config, const std::atomic<bool>* interrupt, std::ostream& out) {
  if (config.image_dir.empty() == config.manifest.empty()) {
    throw ConfigError("review_predictions: give exactly one of --image-dir and --manifest");
  }
  if (config.pred_mask_dir.empty()) throw ConfigError("review_predictions: --pred-mask-dir is required");
  if (!(config.page.overlay_alpha >= 0 && config.page.overlay_alpha <= 1)) {
    throw ConfigError("review_predictions: --overlay-alpha must be in [0, 1]");
  }
  if (!(config.page.display_duration > 0 && config.page.display_duration <= 3600)) {
    throw ConfigError("review_predictions: --display-duration must be in (0, 3600] seconds");
  }
  const auto& modes = review_display_modes();
  if (std::find(modes.begin(), modes.end(), config.page.display_mode) == modes.end()) {
    throw ConfigError("review_predictions: --display-mode must be slideshow, sidebyside or toggle, got \"" +
                      config.page.display_mode + "\"");
  }
  std::vector<ReviewItem> items = config.manifest.empty()
                                      ? find_review_items(config.image_dir, config.pred_mask_dir)
                                      : find_review_items_in_manifest(config.manifest, config.data_root,
                                                                      config.pred_mask_dir);
  ReviewSession session(std::move(items), resolve_review_paths(config));
  const int restored = session.load();
  ReviewOptions page = config.page;
  page.corrections_dir = config.corrections_dir.empty() ? config.pred_mask_dir / "corrections" : config.corrections_dir;
  const int image_count = static_cast<int>(session.items().size());
  session.save();  // fails early (read-only folder) rather than at the first flag
  ReviewHandler handler(std::move(session), page, make_review_token());
  ReviewServer server(handler, config.port, page.max_body_bytes);
  out << "Reviewing " << image_count << " images";
  if (restored) out << " (restored the review of " << restored << " from \"" << handler.paths().session_file.string() << "\")";
  out << ".\nOpen the review page: " << server.url() << "\n"
      << "Esc or Finish in the page saves and stops; flags are saved as you go.\n"
      << std::flush;
  handler.wait_finished(interrupt);
  // Let the page's last request (the Finish answer) reach the browser before closing.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.stop();
  handler.save();
  ReviewResult result;
  const ReviewCounts counts = handler.counts();
  result.images = image_count;
  result.flagged = counts.flagged;
  result.corrected = counts.corrected;
  result.paths = handler.paths();
  result.interrupted = !handler.finished();
  return result;
}

}  // namespace segoid::review
