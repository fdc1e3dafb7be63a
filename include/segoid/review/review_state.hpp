// SPDX-License-Identifier: MIT
// The review of predicted masks: which images, and what the reviewer decided (flags, reasons,
// edits, saved corrections), persisted after every change.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/data/contract.hpp"
#include "segoid/infer/contract.hpp"

namespace segoid::review {

/// predict_full's file names, read here: `<basename>_pred_mask.tif` (0/255) and, optionally,
/// `<basename>_pred_prob.tif` (float32 probabilities).
using infer::contract::kPredMaskSuffix;
using infer::contract::kPredProbSuffix;

/// The flag reasons that number keys 1-4 pick; any other non-empty text is a free reason.
inline const std::vector<std::string>& review_flag_reasons() {
  static const std::vector<std::string> reasons = {"poor_boundary", "missed_spheroid", "false_positive",
                                                   "merged_objects"};
  return reasons;
}

/// Columns of the flagged CSV written beside the --output-flagged list.
inline const std::vector<std::string>& flagged_csv_columns() {
  static const std::vector<std::string> columns = {data::contract::kImagePath, data::contract::kMaskPath, "flag_reason", "reviewer",
                                                   "timestamp"};
  return columns;
}

/// One image under review and its prediction files.
struct ReviewItem {
  std::string basename;               ///< image file name without extension; unique
  std::filesystem::path image_path;   ///< the image as given (folder entry or manifest row)
  std::filesystem::path mask_path;    ///< <pred-mask-dir>/<basename>_pred_mask.tif
  std::filesystem::path prob_path;    ///< <pred-mask-dir>/<basename>_pred_prob.tif, empty if absent
};

/// The images of `image_dir` (sorted by file name; image extensions only) that have a predicted
/// mask in `pred_mask_dir`; images without one are skipped with a warning. Throws IoError for a
/// missing folder and DataError when no image has a prediction or two images share a basename.
std::vector<ReviewItem> find_review_items(const std::filesystem::path& image_dir,
                                          const std::filesystem::path& pred_mask_dir);

/// As find_review_items, for the rows of a manifest (columns basename and image_path; relative
/// paths are under `data_root` when it is not empty), in row order. Throws IoError or DataError.
std::vector<ReviewItem> find_review_items_in_manifest(const std::filesystem::path& manifest,
                                                      const std::filesystem::path& data_root,
                                                      const std::filesystem::path& pred_mask_dir);

/// What the reviewer decided about one image.
struct ReviewEntry {
  bool reviewed = false;    ///< the image has been shown
  bool flagged = false;
  std::string reason;       ///< flag reason (one of review_flag_reasons() or free text)
  std::string reviewer;     ///< who set the flag
  std::string timestamp;    ///< when the flag last changed, ISO 8601 UTC
  std::string edits_json;   ///< the correction in progress: a JSON array of mask edits ("" = none)
  bool corrected = false;   ///< a correction was saved to the corrections folder
  std::string corrected_at; ///< when, ISO 8601 UTC
};

/// Where the review state lives on disk.
struct ReviewPaths {
  std::filesystem::path session_file;  ///< JSON with every entry; reloaded on restart
  std::filesystem::path flagged_list;  ///< one flagged image basename (stem) per line (Python's format)
  std::filesystem::path flagged_csv;   ///< flagged_csv_columns(), one row per flagged image
};

/// Counts for the status line. An image is good when reviewed and not flagged.
struct ReviewCounts {
  int good = 0, flagged = 0, unreviewed = 0, corrected = 0;
};

/// The review of `items`: one entry per item, saved to all three files of `paths` on save().
/// Not thread-safe; the caller serializes access.
class ReviewSession {
 public:
  ReviewSession(std::vector<ReviewItem> items, ReviewPaths paths);

  /// Restores entries from paths.session_file when it exists, matching by basename (entries of
  /// images no longer present are dropped). Returns how many entries were restored. Throws
  /// IoError for an unreadable file and DataError (naming it) for malformed JSON.
  int load();
  /// Writes the session file, the flagged list and the flagged CSV atomically. Throws IoError.
  void save() const;

  const std::vector<ReviewItem>& items() const { return items_; }
  const std::vector<ReviewEntry>& entries() const { return entries_; }
  ReviewEntry& entry(size_t index) { return entries_.at(index); }
  const ReviewPaths& paths() const { return paths_; }
  /// Index of the item with this basename, or -1.
  int find(const std::string& basename) const;
  ReviewCounts counts() const;

 private:
  std::vector<ReviewItem> items_;
  std::vector<ReviewEntry> entries_;
  ReviewPaths paths_;
};


}  // namespace segoid::review
