// SPDX-License-Identifier: MIT
// Review items (image + predicted mask pairs) and the persisted review session.
#include "segoid/review/review_state.hpp"
#include "segoid/data/contract.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "segoid/core/utc_time.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::review {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kSessionFormat = 1;

// Pairs one image with its prediction files; false (with a warning) when the mask is missing.
bool make_item(const std::string& basename, const fs::path& image, const fs::path& pred_mask_dir,
               ReviewItem& item) {
  item.basename = basename;
  item.image_path = image;
  item.mask_path = pred_mask_dir / (basename + kPredMaskSuffix);
  const fs::path prob = pred_mask_dir / (basename + kPredProbSuffix);
  item.prob_path = fs::exists(prob) ? prob : fs::path();
  if (!fs::exists(item.mask_path)) {
    spdlog::warn("no predicted mask for \"{}\" (expected \"{}\"); skipped", image.string(), item.mask_path.string());
    return false;
  }
  return true;
}

void check_items(const std::vector<ReviewItem>& items, const std::string& source, const fs::path& pred_mask_dir) {
  if (items.empty()) {
    throw DataError("no image of " + source + " has a predicted mask <basename>" + kPredMaskSuffix + " in \"" +
                    pred_mask_dir.string() + "\"");
  }
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (!seen.insert(item.basename).second) {
      throw DataError(source + " has two images with basename \"" + item.basename + "\" (e.g. \"" +
                      item.image_path.string() + "\"); their predictions would share one file");
    }
  }
}

void require_dir(const fs::path& dir, const char* what) {
  if (!fs::is_directory(dir)) throw IoError(std::string("cannot read ") + what + " \"" + dir.string() + "\": not a folder");
}

}  // namespace

std::vector<ReviewItem> find_review_items(const fs::path& image_dir, const fs::path& pred_mask_dir) {
  require_dir(image_dir, "image folder");
  require_dir(pred_mask_dir, "prediction folder");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(image_dir)) {
    if (entry.is_regular_file() && io::is_image_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ReviewItem> items;
  for (const auto& file : files) {
    ReviewItem item;
    if (make_item(file.stem().string(), file, pred_mask_dir, item)) items.push_back(std::move(item));
  }
  check_items(items, "\"" + image_dir.string() + "\"", pred_mask_dir);
  return items;
}

std::vector<ReviewItem> find_review_items_in_manifest(const fs::path& manifest, const fs::path& data_root,
                                                      const fs::path& pred_mask_dir) {
  require_dir(pred_mask_dir, "prediction folder");
  const io::CsvTable table = io::read_csv(manifest);
  const int image_col = table.column_index(data::contract::kImagePath);
  const int name_col = table.column_index(data::contract::kBasename);
  if (image_col < 0) throw DataError("manifest \"" + manifest.string() + "\": missing column " + std::string(data::contract::kImagePath));
  std::vector<ReviewItem> items;
  for (size_t row = 0; row < table.rows.size(); ++row) {
    fs::path image = table.rows[row][image_col];
    if (image.empty()) {
      throw DataError("manifest \"" + manifest.string() + "\":" + std::to_string(table.row_lines[row]) +
                      ": empty image_path");
    }
    if (image.is_relative() && !data_root.empty()) image = data_root / image;
    const std::string basename = name_col >= 0 && !table.rows[row][name_col].empty() ? table.rows[row][name_col]
                                                                                    : image.stem().string();
    ReviewItem item;
    if (make_item(basename, image, pred_mask_dir, item)) items.push_back(std::move(item));
  }
  check_items(items, "manifest \"" + manifest.string() + "\"", pred_mask_dir);
  return items;
}

ReviewSession::ReviewSession(std::vector<ReviewItem> items, ReviewPaths paths)
    : items_(std::move(items)), entries_(items_.size()), paths_(std::move(paths)) {}

int ReviewSession::find(const std::string& basename) const {
  for (size_t index = 0; index < items_.size(); ++index) {
    if (items_[index].basename == basename) return static_cast<int>(index);
  }
  return -1;
}

ReviewCounts ReviewSession::counts() const {
  ReviewCounts counts;
  for (const auto& entry : entries_) {
    if (entry.flagged) {
      ++counts.flagged;
    } else if (entry.reviewed) {
      ++counts.good;
    } else {
      ++counts.unreviewed;
    }
    if (entry.corrected) ++counts.corrected;
  }
  return counts;
}

int ReviewSession::load() {
  if (paths_.session_file.empty() || !fs::exists(paths_.session_file)) return 0;
  const std::string text = core::read_file(paths_.session_file);
  const std::string where = "review session \"" + paths_.session_file.string() + "\"";
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw DataError(where + ": not valid JSON (" + e.what() + "); move it away to start a fresh review");
  }
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_object()) {
    throw DataError(where + ": expected an object with \"entries\"");
  }
  int restored = 0;
  try {
    for (const auto& [basename, value] : doc["entries"].items()) {
      const int index = find(basename);
      if (index < 0) continue;
      ReviewEntry& entry = entries_[index];
      entry.reviewed = value.value("reviewed", false);
      entry.flagged = value.value("flagged", false);
      entry.reason = value.value("reason", "");
      entry.reviewer = value.value("reviewer", "");
      entry.timestamp = value.value("timestamp", "");
      entry.corrected = value.value("corrected", false);
      entry.corrected_at = value.value("corrected_at", "");
      if (value.contains("edits") && value["edits"].is_array() && !value["edits"].empty()) {
        entry.edits_json = value["edits"].dump();
      }
      ++restored;
    }
  } catch (const json::exception& e) {
    throw DataError(where + ": malformed entry (" + e.what() + ")");
  }
  return restored;
}

void ReviewSession::save() const {
  json entries = json::object();
  std::ostringstream list;
  io::CsvTable csv;
  csv.header = flagged_csv_columns();
  for (size_t index = 0; index < items_.size(); ++index) {
    const ReviewEntry& entry = entries_[index];
    const ReviewItem& item = items_[index];
    json value = {{"reviewed", entry.reviewed},   {"flagged", entry.flagged},     {"reason", entry.reason},
                  {"reviewer", entry.reviewer},   {"timestamp", entry.timestamp}, {"corrected", entry.corrected},
                  {"corrected_at", entry.corrected_at}, {data::contract::kImagePath, item.image_path.string()}};
    value["edits"] = entry.edits_json.empty() ? json::array() : json::parse(entry.edits_json);
    entries[item.basename] = std::move(value);
    if (entry.flagged) {
      list << item.basename << '\n';  // the image's stem, as the Python SegOid writes it
      csv.rows.push_back({item.image_path.string(), item.mask_path.string(), entry.reason, entry.reviewer,
                          entry.timestamp});
    }
  }
  const json doc = {{"segoid_review", kSessionFormat}, {"entries", std::move(entries)}};
  if (!paths_.session_file.empty()) core::write_file_atomic(paths_.session_file, doc.dump(1) + "\n");
  if (!paths_.flagged_list.empty()) core::write_file_atomic(paths_.flagged_list, list.str());
  if (!paths_.flagged_csv.empty()) io::write_csv(paths_.flagged_csv, csv);
}

}  // namespace segoid::review
