// SPDX-License-Identifier: MIT
// The review page's routes: token and path checks, the page itself, previews and the state API.
#include "segoid/review/review_handler.hpp"
#include "segoid/data/contract.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmath>
#include <random>

#include "review_cache.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/core/utc_time.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/review/review_assets.hpp"

namespace segoid::review {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kPlateCacheSize = 4;
constexpr size_t kBlobCacheBytes = size_t{512} << 20;
constexpr int kMaxRegionSide = 4096;
constexpr int kPrefetchAhead = 2;
constexpr int kWorkerNice = 10;
// Object IDs on the overlay are those of quantify_objects run with its default min_object_area.
const int kIdMinObjectArea = analysis::QuantifyConfig{}.min_object_area;

HttpResponse text(int status, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.body = message + "\n";
  return response;
}

HttpResponse json_response(const json& value) {
  HttpResponse response;
  response.content_type = "application/json";
  response.body = value.dump();
  return response;
}

HttpResponse bytes(std::string content_type, const std::string& body, bool cacheable) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = body;
  // Preview URLs carry the edit version, so a cached answer is never stale.
  if (cacheable) response.headers["Cache-Control"] = "private, max-age=3600";
  return response;
}

// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
bool same_token(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// A request path the router may look at: starts with '/', no "..", backslash, NUL or "//".
bool safe_path(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos) return false;
  if (path.find("//") != std::string::npos || path.find('\0') != std::string::npos) return false;
  return true;
}

// Host header check against DNS rebinding: only loopback names may address the server.
bool loopback_host(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("host");
  if (it == headers.end()) return true;
  const std::string host = it->second.substr(0, it->second.rfind(':'));
  return host == "127.0.0.1" || host == "localhost";
}

std::string query(const HttpRequest& request, const std::string& key) {
  const auto it = request.query.find(key);
  return it == request.query.end() ? std::string() : it->second;
}

int query_int(const HttpRequest& request, const std::string& key, int fallback) {
  const std::string value = query(request, key);
  if (value.empty()) return fallback;
  try {
    size_t used = 0;
    const long long number = std::stoll(value, &used);
    if (used != value.size()) return fallback;
    return static_cast<int>(std::clamp<long long>(number, -kMaxRegionSide * 1000LL, kMaxRegionSide * 1000LL));
  } catch (const std::exception&) {
    return fallback;
  }
}

// Links (or, across file systems, copies) `source` to `target` atomically.
void link_or_copy(const fs::path& source, const fs::path& target) {
  core::AtomicFile file(target);
  std::error_code error;
  fs::remove(file.temp_path(), error);
  fs::create_hard_link(source, file.temp_path(), error);
  if (error) {
    std::error_code copy_error;
    fs::copy_file(source, file.temp_path(), fs::copy_options::overwrite_existing, copy_error);
    if (copy_error) {
      throw IoError("cannot copy \"" + source.string() + "\" to \"" + target.string() + "\": " + copy_error.message());
    }
  }
  file.commit();
}

}  // namespace

const std::vector<std::string>& review_display_modes() {
  static const std::vector<std::string> modes = {"slideshow", "sidebyside", "toggle"};
  return modes;
}

std::string make_review_token() {
  std::random_device device;
  std::string token;
  const char* digits = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) token += digits[device() % 16];
  return token;
}

ReviewHandler::ReviewHandler(ReviewSession session, ReviewOptions options, std::string token)
    : options_(std::move(options)), token_(std::move(token)), session_(std::move(session)) {
  const size_t count = session_.items().size();
  stats_.resize(count);
  stats_ready_.assign(count, false);
  stats_error_.resize(count);
  versions_.assign(count, 0);
  for (size_t index = 0; index < count; ++index) {
    if (!session_.entries()[index].edits_json.empty()) versions_[index] = 1;
    try {
      const io::ImageMeta meta = io::read_image_meta(session_.items()[index].image_path);
      stats_[index].width = meta.width;
      stats_[index].height = meta.height;
    } catch (const Error& e) {
      stats_error_[index] = e.what();
    }
  }
  cache_ = std::make_unique<ReviewCache>(session_.items(), kPlateCacheSize, kBlobCacheBytes);
  if (options_.background_work) worker_ = std::thread([this] { worker_loop(); });
}

ReviewHandler::~ReviewHandler() {
  stopping_ = true;
  work_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

HttpResponse ReviewHandler::handle(const HttpRequest& request) {
  HttpResponse response;
  try {
    const auto header_token = request.headers.find("x-review-token");
    const std::string token = header_token != request.headers.end() ? header_token->second : query(request, "t");
    if (!same_token(token, token_) || !loopback_host(request.headers)) {
      response = text(403, "forbidden: open the URL that segoid review_predictions printed (it carries the token)");
    } else if (!safe_path(request.path)) {
      response = text(404, "not found");
    } else if (request.body.size() > options_.max_body_bytes) {
      response = text(413, "request body too large");
    } else if (request.method != "GET" && request.method != "POST") {
      response = text(405, "method not allowed");
    } else {
      response = route(request);
    }
  } catch (const DataError& e) {
    response = text(400, e.what());
  } catch (const std::exception& e) {
    spdlog::warn("review page: {} {}: {}", request.method, request.path, e.what());
    response = text(500, e.what());
  }
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Referrer-Policy"] = "no-referrer";
  response.headers["Content-Security-Policy"] =
      "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'";
  if (!response.headers.count("Cache-Control")) response.headers["Cache-Control"] = "no-store";
  return response;
}

HttpResponse ReviewHandler::route(const HttpRequest& request) {
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  if (path == "/" || path == "/index.html") {
    if (!get) return text(405, "GET only");
    // The page's own URLs (stylesheet, script) carry the token too.
    std::string html = kReviewHTML;
    const std::string placeholder = "{{TOKEN}}";
    for (size_t at = html.find(placeholder); at != std::string::npos; at = html.find(placeholder, at)) {
      html.replace(at, placeholder.size(), token_);
    }
    return bytes("text/html; charset=utf-8", html, false);
  }
  if (path == "/review.css") return bytes("text/css; charset=utf-8", kReviewCSS, false);
  if (path == "/review.js") return bytes("text/javascript; charset=utf-8", kReviewJS, false);
  if (path == "/api/session") return session_json();
  if (path == "/api/finish") return get ? text(405, "POST only") : finish();
  if (path.rfind("/api/", 0) != 0) return text(404, "not found");

  // Every other route names an image, by its exact basename.
  const std::string name = query(request, "name");
  int index = -1;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    index = name.empty() ? -1 : session_.find(name);
  }
  if (index < 0) return text(404, "no such image");
  if (path == "/api/image") {
    HttpResponse response = image(index, request, false);
    if (query(request, "layer") == "image") prefetch(index);
    return response;
  }
  if (path == "/api/thumb") return image(index, request, true);
  if (path == "/api/region") return region(index, request);
  if (get) return text(path == "/api/flag" || path == "/api/seen" || path == "/api/edits" || path == "/api/correction" ? 405 : 404, "not found");
  if (path == "/api/flag") return flag(index, request.body);
  if (path == "/api/edits") return set_edits(index, request.body);
  if (path == "/api/correction") return save_correction(index);
  if (path == "/api/seen") {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (!session_.entry(index).reviewed) {
      session_.entry(index).reviewed = true;
      session_.save();
    }
    return json_response(json::parse(item_json(index)));
  }
  return text(404, "not found");
}

std::string ReviewHandler::item_json(int index) {
  const ReviewItem& item = session_.items()[index];
  const ReviewEntry& entry = session_.entries()[index];
  const ReviewStats& stats = stats_[index];
  json value = {{"name", item.basename},
                {"file", item.image_path.filename().string()},
                {"width", stats.width},
                {"height", stats.height},
                {"stats_ready", static_cast<bool>(stats_ready_[index])},
                {"objects", stats.object_count},
                {"uncertainty", stats.uncertainty},
                {"has_probabilities", !item.prob_path.empty()},
                {"error", stats_error_[index]},
                {"reviewed", entry.reviewed},
                {"flagged", entry.flagged},
                {"reason", entry.reason},
                {"corrected", entry.corrected},
                {"version", versions_[index]}};
  value["edits"] = entry.edits_json.empty() ? json::array() : json::parse(entry.edits_json);
  return value.dump();
}

HttpResponse ReviewHandler::session_json() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  json items = json::array();
  for (size_t index = 0; index < session_.items().size(); ++index) {
    items.push_back(json::parse(item_json(static_cast<int>(index))));
  }
  const ReviewCounts counts = session_.counts();
  return json_response({{"items", std::move(items)},
                        {"options",
                         {{"display_duration", options_.display_duration},
                          {"overlay_alpha", options_.overlay_alpha},
                          {"display_mode", options_.display_mode},
                          {"reviewer", options_.reviewer},
                          {"reasons", review_flag_reasons()},
                          {"corrections_dir", options_.corrections_dir.string()},
                          {"flagged_list", session_.paths().flagged_list.string()},
                          {"preview_side", kPreviewSide}}},
                        {"counts",
                         {{"good", counts.good},
                          {"flagged", counts.flagged},
                          {"unreviewed", counts.unreviewed},
                          {"corrected", counts.corrected}}}});
}

std::shared_ptr<const cv::Mat> ReviewHandler::current_mask(int index) {
  std::string edits;
  int version = 0;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    edits = session_.entries()[index].edits_json;
    version = versions_[index];
  }
  const auto plate = cache_->plate(index);
  if (edits.empty()) return std::shared_ptr<const cv::Mat>(plate, &plate->mask);
  return cache_->mask(index, version, [&] { return apply_mask_edits(plate->mask, parse_mask_edits(edits)); });
}

HttpResponse ReviewHandler::image(int index, const HttpRequest& request, bool thumbnail) {
  const std::string layer = thumbnail ? "thumb" : query(request, "layer");
  int version = 0;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    version = versions_[index];
  }
  const std::string key = layer + ":" + std::to_string(index) + ":" + std::to_string(layer == "image" ? 0 : version);
  std::shared_ptr<const std::string> body;
  if (layer == "image") {
    body = cache_->encoded(key, [&] { return encode_jpeg(downscale(cache_->plate(index)->display, kPreviewSide, cv::INTER_AREA)); });
    return bytes("image/jpeg", *body, true);
  }
  if (layer == "overlay") {
    body = cache_->encoded(key, [&] {
      const auto mask = current_mask(index);
      const cv::Mat small = downscale(*mask, kPreviewSide, cv::INTER_AREA);
      return encode_overlay_png(small > 127, report::object_ids(*mask, kIdMinObjectArea), static_cast<double>(small.cols) / mask->cols);
    });
    return bytes("image/png", *body, true);
  }
  if (layer == "thumb") {
    body = cache_->encoded(key, [&] {
      return render_thumbnail(*cache_->plate(index), *current_mask(index), options_.overlay_alpha);
    });
    return bytes("image/jpeg", *body, true);
  }
  return text(404, "unknown layer");
}

HttpResponse ReviewHandler::region(int index, const HttpRequest& request) {
  const std::string layer = query(request, "layer");
  if (layer != "image" && layer != "overlay") return text(404, "unknown layer");
  const auto plate = cache_->plate(index);
  const cv::Rect full(0, 0, plate->display.cols, plate->display.rows);
  const cv::Rect wanted(query_int(request, "x", 0), query_int(request, "y", 0), query_int(request, "w", 0),
                        query_int(request, "h", 0));
  const cv::Rect rect = wanted & full;
  const int out_w = std::clamp(query_int(request, "ow", rect.width), 1, kMaxRegionSide);
  const int out_h = std::clamp(query_int(request, "oh", rect.height), 1, kMaxRegionSide);
  if (rect.empty()) return text(400, "empty region");
  const bool shrink = out_w < rect.width;
  cv::Mat out;
  if (layer == "image") {
    cv::resize(plate->display(rect), out, cv::Size(out_w, out_h), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_NEAREST);
    return bytes("image/jpeg", encode_jpeg(out), false);
  }
  const auto mask = current_mask(index);
  cv::resize((*mask)(rect), out, cv::Size(out_w, out_h), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_NEAREST);
  return bytes("image/png", encode_overlay_png(out > 127, report::object_ids(*mask, kIdMinObjectArea),
                                               static_cast<double>(out_w) / rect.width, rect.tl()),
               false);
}

HttpResponse ReviewHandler::flag(int index, const std::string& body) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::exception&) {
    return text(400, "flag: body must be JSON {\"flagged\": bool, \"reason\": text}");
  }
  if (!doc.is_object() || !doc.contains("flagged") || !doc["flagged"].is_boolean()) {
    return text(400, "flag: \"flagged\" must be true or false");
  }
  std::string reason = doc.contains("reason") && doc["reason"].is_string() ? doc["reason"].get<std::string>() : "";
  if (reason.size() > 200) return text(400, "flag: reason longer than 200 characters");
  for (char& c : reason) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  std::lock_guard<std::mutex> lock(state_mutex_);
  ReviewEntry& entry = session_.entry(index);
  entry.flagged = doc["flagged"].get<bool>();
  entry.reason = entry.flagged ? reason : "";
  entry.reviewer = options_.reviewer;
  entry.timestamp = core::utc_timestamp_now();
  entry.reviewed = true;
  session_.save();
  return json_response(json::parse(item_json(index)));
}

HttpResponse ReviewHandler::set_edits(int index, const std::string& body) {
  const std::vector<MaskEdit> edits = parse_mask_edits(body);  // DataError -> 400
  std::lock_guard<std::mutex> lock(state_mutex_);
  session_.entry(index).edits_json = edits.empty() ? "" : json::parse(body).dump();
  ++versions_[index];
  session_.save();
  return json_response(json::parse(item_json(index)));
}

HttpResponse ReviewHandler::save_correction(int index) {
  if (options_.corrections_dir.empty()) return text(409, "no --corrections-dir was given");
  const ReviewItem item = session_.items()[index];
  const auto mask = current_mask(index);
  const fs::path mask_path = options_.corrections_dir / data::contract::kMasksDir / (item.basename + data::contract::kMaskStemSuffix + ".tif");
  const fs::path image_path = options_.corrections_dir / data::contract::kImagesDir / (item.basename + item.image_path.extension().string());
  io::write_mask_tiff(mask_path, *mask);
  link_or_copy(item.image_path, image_path);
  std::lock_guard<std::mutex> lock(state_mutex_);
  ReviewEntry& entry = session_.entry(index);
  entry.corrected = true;
  entry.corrected_at = core::utc_timestamp_now();
  entry.reviewed = true;
  session_.save();
  json value = json::parse(item_json(index));
  value[data::contract::kMaskPath] = mask_path.string();
  value[data::contract::kImagePath] = image_path.string();
  return json_response(value);
}

HttpResponse ReviewHandler::finish() {
  save();
  finished_ = true;
  finished_cv_.notify_all();
  const ReviewCounts c = counts();
  return json_response({{"flagged", c.flagged}, {"flagged_list", paths().flagged_list.string()}});
}

void ReviewHandler::wait_finished(const std::atomic<bool>* interrupt) {
  std::unique_lock<std::mutex> lock(state_mutex_);
  while (!finished_ && !(interrupt && *interrupt)) finished_cv_.wait_for(lock, std::chrono::milliseconds(100));
}

void ReviewHandler::save() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  session_.save();
}

ReviewCounts ReviewHandler::counts() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return session_.counts();
}

ReviewPaths ReviewHandler::paths() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return session_.paths();
}

void ReviewHandler::prefetch(int index) {
  if (!options_.background_work) return;
  std::lock_guard<std::mutex> lock(state_mutex_);
  const int count = static_cast<int>(session_.items().size());
  for (int ahead = 1; ahead <= kPrefetchAhead; ++ahead) prefetch_queue_.push_back((index + ahead) % count);
  work_cv_.notify_all();
}

// Prefetch requests first (previews of the next images), then the triage stats of every image.
void ReviewHandler::worker_loop() {
  // Background work yields to the page's own requests (Linux nice values are per thread).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kWorkerNice);
  size_t next_stats = 0;
  for (;;) {
    int job = -1;
    bool stats_job = false;
    {
      std::unique_lock<std::mutex> lock(state_mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !prefetch_queue_.empty() || next_stats < stats_.size(); });
      if (stopping_) return;
      if (!prefetch_queue_.empty()) {
        job = prefetch_queue_.front();
        prefetch_queue_.erase(prefetch_queue_.begin());
      } else {
        job = static_cast<int>(next_stats++);
        stats_job = true;
      }
    }
    try {
      if (stats_job) {
        const ReviewStats stats = compute_review_stats(session_.items()[job]);
        {
          std::lock_guard<std::mutex> lock(state_mutex_);
          stats_[job] = stats;
          stats_ready_[job] = true;
        }
        // The grid's thumbnail of the unedited prediction, made here so that opening the grid
        // does not decode every plate through (and out of) the viewer's plate cache.
        bool unedited = false;
        {
          std::lock_guard<std::mutex> lock(state_mutex_);
          unedited = versions_[job] == 0;
        }
        if (unedited) {
          const ReviewPlate plate = load_review_plate(session_.items()[job]);
          cache_->put("thumb:" + std::to_string(job) + ":0", render_thumbnail(plate, plate.mask, options_.overlay_alpha));
        }
      } else {
        HttpRequest request;
        request.query["layer"] = "image";
        image(job, request, false);
        request.query["layer"] = "overlay";
        image(job, request, false);
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(state_mutex_);
      stats_error_[job] = e.what();
      stats_ready_[job] = true;
    }
  }
}

}  // namespace segoid::review
